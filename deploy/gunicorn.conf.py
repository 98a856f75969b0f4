"""gunicorn for the portal: `gunicorn -c deploy/gunicorn.conf.py zhashui_rd.wsgi`
(deploy/systemd/zhashui-web.service runs exactly that). Every value can be changed in
/etc/zhashui-rd/env without editing this file.

The access log names no secret: a tracking link (/t/<token>/…) opens a citizen's concern,
so its token is cut out (zhashui_rd/logredact.py), the query string is never logged, nor
the Referer (a page reached from a tracking page would name it). Mobile numbers are masked.
"""

import multiprocessing
import os
import sys
from pathlib import Path

# The project root, so the log classes below import before Django is set up.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A unix socket that only nginx (group www-data) may use, or host:port (the test and bench
# use 127.0.0.1:<port>). Never 0.0.0.0: gunicorn must be reached through nginx only, which
# sets the X-Forwarded-* headers Django trusts (TRUSTED_PROXY_COUNT=1).
bind = [os.environ.get("GUNICORN_BIND", "unix:/run/zhashui-rd/gunicorn.sock")]
umask = 0o007  # the socket: rw for the zhashui user and its group (www-data is a member)

# Sync workers: the pages are short database reads; nginx buffers slow phones' uploads and
# downloads (and sends private files itself, X-Accel-Redirect), so a worker is never held by
# a slow client. 2 × CPUs + 1 is gunicorn's own advice.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that takes longer has gone wrong (the slowest page, a statistics export, takes
# well under a second at 100,000 concerns); the year-end build runs in Celery, not here.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then (with jitter, not all at once): a slow leak cannot grow.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Each worker loads the app itself, so `systemctl reload zhashui-web` (HUP) starts workers
# on the new code after an upgrade, one by one, without dropping a request.
preload_app = False
# Forwarded headers are read by Django (TRUSTED_PROXY_COUNT), not rewritten by gunicorn.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "zhashui-web"

# Who asked (nginx's X-Forwarded-For), when, method, path (token cut out), status, bytes,
# milliseconds, browser. Not %(q)s (query string), not %(r)s (the raw request line with it),
# not %(f)s (Referer).
access_log_format = '%({x-forwarded-for}i)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms "%(a)s"'

LOG_DIR = os.environ.get("LOG_DIR", "")
_handler = {"filters": ["redact"], "formatter": "line"}
_file = {
    **_handler,
    "class": "zhashui_rd.logredact.SharedTimedRotatingFileHandler",
    "filename": os.path.join(LOG_DIR or ".", "gunicorn.log"),
    "when": "midnight",
    "backupCount": int(os.environ.get("LOG_RETENTION_DAYS", "180")),
    "encoding": "utf-8",
}
_handlers = ["console", "file"] if LOG_DIR else ["console"]
# gunicorn's own lines (start, workers, timeouts, the access log) through the same
# redaction as Django's, to stderr (journald) and, with LOG_DIR, to gunicorn.log.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "zhashui_rd.logredact.RedactFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"}
    },
    "handlers": {
        "console": {**_handler, "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
        **({"file": _file} if LOG_DIR else {}),
    },
    "root": {"level": "INFO", "handlers": _handlers},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": _handlers, "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": _handlers, "propagate": False},
    },
}
