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

.PHONY: run test test-fast lint format bench clean messages lock audit

# Both files are locks made by pip-tools (`make lock`): every package pinned with its
# hashes, so pip refuses anything that is not byte for byte what was locked.
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --require-hashes -r requirements-dev.txt
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
	$(PY) bench/points_pdf_profile.py
	scripts/with-services.sh $(PY) bench/load.py
	$(PY) bench/page_weight.py

# Re-make both locks from requirements.in and requirements-dev.in, keeping every pin that
# still satisfies them (`make lock UPGRADE=1` moves everything to the newest releases).
PIP_COMPILE = $(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)
lock: $(VENV)/.installed-dev
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in
	scripts/check-wheels.sh

# Known vulnerabilities in the locked packages (PyPI's advisory database, so it needs the
# network: kept out of `make test`, which must not depend on an outside service).
audit: $(VENV)/.installed-dev
	$(VENV)/bin/pip-audit --strict --require-hashes --disable-pip --progress-spinner off -r requirements.txt
	$(VENV)/bin/pip-audit --strict --require-hashes --disable-pip --progress-spinner off -r requirements-dev.txt
	scripts/check-wheels.sh

clean:
	rm -rf $(VENV) var/static

# Backups (README, "Backups"): run them with the portal's own environment (DATABASE_URL,
# MEDIA_ROOT, BACKUP_DIR…), as the user the portal runs as.
.PHONY: backup restore
backup:
	$(PY) manage.py backup

restore:
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/zhashui-backup-….tar.gz [FORCE=1]" >&2; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(filter 1 yes true,$(FORCE)),--force)
