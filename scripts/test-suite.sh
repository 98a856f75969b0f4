#!/usr/bin/env bash
# The whole suite as `make test` runs it, inside scripts/with-services.sh: first in two
# processes at once (pytest-xdist; each has its own test database and its own Celery queue,
# see tests/conftest.py), then, alone, the tests that stop the shared Redis (marker
# redis_outage) or restart the shared PostgreSQL (marker pg_restart), which would break
# whatever the other process was doing at that moment.
# Last, alone, the log grep (marker log_grep, tests/test_log_grep.py): every process the
# suite started wrote its log files to LOG_DIR (the portal's own loggers at DEBUG), and no
# line may hold a mobile number, a concern's text or a tracking link.
# Extra arguments go to every run; a run that selects no test (exit code 5) is not a failure.
set -uo pipefail
py=${PY:-.venv/bin/python}

LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/zhashui-test-logs.XXXXXX")
export LOG_DIR APP_LOG_LEVEL=DEBUG

run() {
  "$py" -m pytest "$@"
  code=$?
  if [ "$code" -eq 5 ]; then code=0; fi
  return "$code"
}

kept() {  # a failed run: its logs stay for a look
  code=$?
  echo "The suite's logs are kept in $LOG_DIR" >&2
  exit "$code"
}

run -n "${TEST_PROCESSES:-2}" -m "not redis_outage and not pg_restart and not log_grep" "$@" || kept
run -m "redis_outage or pg_restart" "$@" || kept
run -m log_grep "$@" || kept
rm -rf "$LOG_DIR"
