# The two commands: `make run` (the portal with demo data on SQLite) and `make test`
# (the whole suite on real PostgreSQL, Redis and a Celery worker). See README.md.
HOST ?= 127.0.0.1
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

# Settings for `make run`: DEBUG off (so errors show the friendly pages, never a trace),
# plain HTTP on loopback, a random SECRET_KEY kept in var/secret_key.
RUN_ENV := DEBUG=0 HTTPS=0 SERVE_MEDIA=1 \
	ALLOWED_HOSTS=$(HOST),127.0.0.1,localhost \
	CSRF_TRUSTED_ORIGINS=http://$(HOST):$(PORT) \
	SITE_URL=http://$(HOST):$(PORT)

.PHONY: run test test-fast lint format bench clean messages

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install -r requirements-dev.txt
	touch $@

var/secret_key:
	mkdir -p var
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	chmod 600 $@

run: $(VENV)/.installed var/secret_key
	scripts/ensure-system-packages.sh run
	$(RUN_ENV) $(PY) manage.py compilemessages -v0 --ignore='.venv/*'
	$(RUN_ENV) $(PY) manage.py migrate --no-input -v0
	$(RUN_ENV) $(PY) manage.py load_demo
	$(RUN_ENV) $(PY) manage.py collectstatic --no-input -v0
	$(RUN_ENV) $(PY) manage.py demo_info --base-url http://$(HOST):$(PORT)
	$(RUN_ENV) exec $(PY) manage.py runserver --noreload $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	scripts/ensure-system-packages.sh test
	DEBUG=1 $(PY) manage.py compilemessages -v0 --ignore=".venv/*"
	PY=$(PY) scripts/with-services.sh scripts/test-suite.sh $(PYTEST_ARGS)

# The edit-run loop: unit and request tests on SQLite with in-process tasks, no services,
# no browser (about a minute; `make test` runs everything on the real services).
test-fast: $(VENV)/.installed-dev
	DEBUG=1 $(PY) manage.py compilemessages -v0 --ignore=".venv/*"
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest -n 2 -m "not browser and not celery_worker" $(PYTEST_ARGS)

messages: $(VENV)/.installed-dev
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore='.venv/*' --ignore='var/*'

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(VENV)/.installed-dev
	scripts/with-services.sh $(PY) bench/staff_pages.py
	scripts/with-services.sh $(PY) bench/citizen_pages.py
	scripts/with-services.sh $(PY) bench/points_year_end.py
	scripts/with-services.sh $(PY) bench/load.py

clean:
	rm -rf $(VENV) var/static
