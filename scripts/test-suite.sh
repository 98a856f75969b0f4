#!/usr/bin/env bash
# The whole suite as `make test` runs it, inside scripts/with-services.sh: first in two
# processes at once (pytest-xdist; each has its own test database and its own Celery queue,
# see tests/conftest.py), then, alone, the tests that stop the shared Redis (marker
# redis_outage) or restart the shared PostgreSQL (marker pg_restart), which would break
# whatever the other process was doing at that moment.
# Extra arguments go to both runs; a run that selects no test (exit code 5) is not a failure.
set -uo pipefail
py=${PY:-.venv/bin/python}

run() {
  "$py" -m pytest "$@"
  code=$?
  if [ "$code" -eq 5 ]; then code=0; fi
  return "$code"
}

run -n "${TEST_PROCESSES:-2}" -m "not redis_outage and not pg_restart" "$@" || exit $?
run -m "redis_outage or pg_restart" "$@"
