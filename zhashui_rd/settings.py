"""Settings for the Zhashui people's congress portal.

One file. Every value that differs between a laptop and production comes from an
environment variable, read through the small helpers below, with a safe default:
nothing set means SQLite under ``var/`` and Celery tasks run in process.
The README lists every variable.
"""

import os
import sys
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# Under pytest the suite configures itself; nothing else switches on this flag.
TESTING = "pytest" in sys.modules

DEBUG = env_bool("DEBUG", False)

# SECRET_KEY from the environment, else from SECRET_KEY_FILE (`make run` writes a random
# one to var/secret_key); with DEBUG off, one of the two is required.
SECRET_KEY = env_str("SECRET_KEY")
SECRET_KEY_FILE = Path(env_str("SECRET_KEY_FILE", str(BASE_DIR / "var" / "secret_key")))
if not SECRET_KEY and SECRET_KEY_FILE.is_file():
    SECRET_KEY = SECRET_KEY_FILE.read_text().strip()
# Commands that only read the code (a maintainer's `manage.py makemigrations --check` on a fresh
# checkout) sign nothing, so they need no secret; everything that serves or writes data does.
CODE_ONLY_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate", "makemessages"}
READS_CODE_ONLY = (
    Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] and (sys.argv[1] in CODE_ONLY_COMMANDS)
)
if not SECRET_KEY:
    if DEBUG or TESTING or READS_CODE_ONLY:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (or run `make run` once to create "
            "var/secret_key for local use)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The absolute base URL that QR codes encode, e.g. https://rd.zhashui.gov.cn
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The congress's name as printed on QR cards and page headers.
CONGRESS_NAME = env_str("CONGRESS_NAME", "柞水县人民代表大会常务委员会")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "import_export",
    "liaison",
    "petitions",
    # The stations' own work (issue #11), a floor between petitions and points: each reads
    # liaison and petitions, points counts their results.
    "mediation",
    "keyissues",
    "study",
    "points",
    # Measured, not typed (issue #14): reads every floor below it.
    "measures",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every HTML answer (another middleware's too) carries the policy.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "zhashui_rd.urls"
WSGI_APPLICATION = "zhashui_rd.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "zhashui_rd.context_processors.portal",
                "zhashui_rd.context_processors.notices",
                "zhashui_rd.context_processors.calendar_banner",
            ],
        },
    },
]

# DATABASE_URL, e.g. postgres://user:pass@127.0.0.1:5432/zhashui; default a SQLite file.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A kept connection is checked before its first use in a request or task.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite (the demo) ignores the INCLUDE columns of the points entries' covering index, which
# is for PostgreSQL's year-end totals: nothing to warn about on every `make run`.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "liaison:home"

# Language: every page is in Simplified Chinese, whatever the browser asks for (an English
# browser in WeChat is still a citizen of Zhashui); source strings are English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Serve MEDIA_ROOT from Django itself (only for `make run`; production lets nginx do it).
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security. HTTPS defaults to on whenever DEBUG is off; `make run` turns it off for loopback.
HTTPS = env_bool("HTTPS", not DEBUG and not TESTING)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Staff and representative sessions expire after a working day without a fresh login.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Content-Security-Policy (issue #10, django-csp) ---
# Every resource comes from our own origin, and nothing inline runs or styles the page: no
# inline <script>, <style>, style="…" or on…= handler in any template (tests/test_csp.py
# sweeps the pages, the browser tests fail on any violation). No nonces: public pages are
# cached whole, and a cached nonce would be a stale one. img-src allows data: because
# Bootstrap's CSS draws the select arrow and the checkbox and radio marks as data: SVG
# images. CSP_REPORT_URI (optional) is where browsers post the violations they block; read
# into a lower-case name, not a setting: django-csp 4 takes a CSP_… setting for one of its
# old-style ones and refuses to start when its app is installed.
csp_report_uri = env_str("CSP_REPORT_URI")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        **({"report-uri": [csp_report_uri]} if csp_report_uri else {}),
    },
}

# Cache: Redis when REDIS_URL is set, process memory otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's own, with one client per pool instead of one per call (cache.py).
            "BACKEND": "zhashui_rd.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Two portals sharing one Redis (two counties, or the tests' two processes, each
            # on its own database) must not read each other's cached figures.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", ""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Proxies, sign-in lock-out and rate limits (issue #10, part A) ---
# How many reverse proxies we trust in front of gunicorn: 0 = none (REMOTE_ADDR is the
# client); nginx alone = 1; a government-cloud WAF in front of nginx = 2. The client is the
# N-th address from the right of X-Forwarded-For (liaison/network.py). BEHIND_PROXY=1,
# the older variable, still means one proxy.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if env_bool("BEHIND_PROXY", False) else 0)
if TRUSTED_PROXY_COUNT > 0:  # the proxy terminates TLS and says so in X-Forwarded-Proto
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# django-axes locks a username from one address only (AXES_LOCKOUT_PARAMETERS), never an
# address for everyone: a village's shared address must not lock out its other users.
# The database handler, not the cache one: staff get an admin list of lock-outs and of
# sign-ins (等保 asks for login records), a Redis restart does not forget a lock-out in
# progress, and sign-ins are rare enough for the few queries it costs.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last, as axes asks
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 10)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
AXES_FAILURE_LIMIT = LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_LOCKOUT_SECONDS)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a right password clears that username's failures there
AXES_CLIENT_IP_CALLABLE = "liaison.network.client_ip"
# The sign-in form again, with a Chinese message, instead of axes' bare English text.
AXES_LOCKOUT_CALLABLE = "zhashui_rd.lockout.lockout_response"
# Axes logs usernames and addresses; a username that is a mobile number is masked.
AXES_CLIENT_STR_CALLABLE = "zhashui_rd.lockout.client_str"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure kept for the audit, not just counts
# Not the "AXES: BEGIN version …" banner at every start of every process; lock-outs and
# failures are still logged.
AXES_VERBOSE = False

# django-ratelimit, on the default cache (Redis in production: with the in-memory cache
# each gunicorn worker counts alone). Rates are "count/period", "5/5m" = 5 in 5 minutes.
# A citizen's concerns per client address: SHORT per fixed window, LONG within any 5
# minutes (liaison/network.py, SlidingLimit, says why); only concerns actually made
# count. Per representative's or station's page (a flood from many addresses), loose enough
# for a village meeting where dozens post to the same representative. QR images per address.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
# A cache outage lets requests through rather than silencing every citizen.
RATELIMIT_FAIL_OPEN = True
# Its own "ip" key, should a view use it, reads the address where everything else does.
RATELIMIT_IP_META_KEY = "liaison.network.client_ip"
SUBMISSION_RATE_SHORT = env_str("SUBMISSION_RATE_SHORT", "1/m")
SUBMISSION_RATE_LONG = env_str("SUBMISSION_RATE_LONG", "5/5m")
# Every POST of the form per address, valid or not: each may carry 6 photos to decode.
SUBMISSION_RATE_ATTEMPTS = env_str("SUBMISSION_RATE_ATTEMPTS", "30/5m")
SUBMISSION_RATE_PAGE_SHORT = env_str("SUBMISSION_RATE_PAGE_SHORT", "10/m")
SUBMISSION_RATE_PAGE_LONG = env_str("SUBMISSION_RATE_PAGE_LONG", "100/h")
QR_IMAGE_RATE = env_str("QR_IMAGE_RATE", "60/m")

# Every CSRF failure, citizen's or staff's: the Chinese page, never Django's debug text.
CSRF_FAILURE_VIEW = "zhashui_rd.errors.csrf_failure"

# Celery: the real broker when REDIS_URL is set; otherwise tasks run in process, eagerly,
# and their errors propagate to the caller.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# The queue every task goes to and the workers consume: portals that share one Redis (two
# counties, or the test suite's two processes) each name their own.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Workers keep their database connection between tasks, as the web does between requests
# (DB_CONN_MAX_AGE; zhashui_rd/celery.py closes old and broken ones around every task):
# Celery would otherwise reconnect for every task, and each year-end step then spends more
# time connecting than querying. It still recycles a connection after this many tasks.
CELERY_DB_REUSE_MAX = 500
# A task taken by a worker that dies unacknowledged goes back to the queue after this long
# (Redis transport); long enough for the slowest year-end chunk.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}

# SMS to citizens who left a mobile and consented (petitions/sms/): "console" prints them
# (make run), "locmem" keeps them in petitions.sms.backends.outbox (tests), "aliyun" sends
# them through Alibaba Cloud SMS with the signature and the three registered templates
# (README, "SMS"). Keys are read here only; they are never logged.
SMS_BACKEND = env_str("SMS_BACKEND", "console")
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME")
SMS_TEMPLATE_RECEIVED = env_str("SMS_TEMPLATE_RECEIVED")
SMS_TEMPLATE_REPORTED = env_str("SMS_TEMPLATE_REPORTED")
SMS_TEMPLATE_REMINDER = env_str("SMS_TEMPLATE_REMINDER")
SMS_ACCESS_KEY_ID = env_str("SMS_ACCESS_KEY_ID")
SMS_ACCESS_KEY_SECRET = env_str("SMS_ACCESS_KEY_SECRET")
SMS_ENDPOINT = env_str("SMS_ENDPOINT", "dysmsapi.aliyuncs.com")
# Carriers and Alibaba throttle a number that gets many messages a day; a citizen with
# several concerns still hears of each, up to this many SMS a day (the rest are marked
# "capped", not retried: the tracking page says the same).
SMS_DAILY_CAP_PER_NUMBER = env_int("SMS_DAILY_CAP_PER_NUMBER", 5)
# Days after the result is reported before one reminder to rate it, if not rated yet.
SMS_REMINDER_DAYS = env_int("SMS_REMINDER_DAYS", 3)

# Station star rating (星级评选): the share of the maximum score a station must reach for
# 5, 4, 3 and 2 stars; below the last threshold it gets 1 star. Percentages of the maximum,
# so that staff may change the criteria's weights without the bands drifting.
STATION_STAR_THRESHOLDS = (90, 80, 70, 60)

# Concerns (六步工作法). Deadlines per 信访工作条例 (2022) unless staff change them here.
PETITION_COLLECT_DAYS = env_int("PETITION_COLLECT_DAYS", 15)  # decide acceptance (Art. 22–23)
PETITION_HANDLE_DAYS = env_int("PETITION_HANDLE_DAYS", 60)  # finish handling (Art. 34)
PETITION_RETURN_WORKING_DAYS = env_int("PETITION_RETURN_WORKING_DAYS", 5)  # object (Art. 23)
PETITION_REOPEN_DAYS = env_int("PETITION_REOPEN_DAYS", 30)  # new deadline after 不满意
PETITION_WARNING_DAYS = env_int("PETITION_WARNING_DAYS", 3)  # yellow card before a deadline
PETITION_TEXT_MIN = 10
PETITION_TEXT_MAX = 2000
PETITION_MAX_PHOTOS = 6
PETITION_PHOTO_MAX_BYTES = env_int("PETITION_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
# Pillow refuses images above this many pixels (decompression bombs); 50 MP covers phones.
PETITION_PHOTO_MAX_PIXELS = env_int("PETITION_PHOTO_MAX_PIXELS", 50_000_000)
PETITION_PHOTO_MAX_SIDE = 2048
# A concern form holds at most six photos; refuse bodies with many more files outright.
DATA_UPLOAD_MAX_NUMBER_FILES = PETITION_MAX_PHOTOS + 4
PETITION_ATTACHMENT_MAX_BYTES = env_int("PETITION_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# Personal data of closed concerns is anonymised after this many days (个人信息保护法 Art. 19, 47).
PETITION_RETENTION_DAYS = env_int("PETITION_RETENTION_DAYS", 3 * 365)
TRACKING_PREFIX = env_str("TRACKING_PREFIX", "ZS")

# Year-end reports (履职积分): representatives per Celery task computing totals, and reports
# per task rendering PDFs. A totals task costs a few queries and messages whatever its size,
# so about (active representatives ÷ worker processes) keeps the totals near one GROUP BY
# (bench/points_year_end.py); a PDF takes about 0.15 s, so small PDF chunks move the staff's
# progress bar often.
POINTS_REPORT_CHUNK_SIZE = env_int("POINTS_REPORT_CHUNK_SIZE", 750)
POINTS_REPORT_PDF_CHUNK_SIZE = env_int("POINTS_REPORT_PDF_CHUNK_SIZE", 25)
# Evidence a representative attaches to a claim: a photo or a PDF, at most this size.
POINTS_EVIDENCE_MAX_BYTES = env_int("POINTS_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)

# --- Study (线上学, issue #11) ---
# A study material's file or a lecture's slides (PDF, OFD, Office, JPEG or PNG): at most this
# size. Served only to signed-in representatives of its audience and staff (study/views).
STUDY_MATERIAL_MAX_BYTES = env_int("STUDY_MATERIAL_MAX_BYTES", 20 * 1024 * 1024)

# --- E-mail, error mails, HSTS and log files (issue #10, deploy) ---
# SMTP as soon as a mail server is named; the console otherwise (make run, a fresh laptop).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: STARTTLS (587) or implicit TLS (465)."
    )
EMAIL_PORT = env_int("EMAIL_PORT", 465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
# Seconds before a silent mail server gives up, so a worker is never stuck on it (the notice
# stays in the database and is retried by the beat sweep).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@zhashui-rd.invalid")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)  # sender of the error mails


def env_admins(name: str) -> list[tuple[str, str]]:
    """ADMINS from "Name <a@b>, Other <c@d>" (or bare addresses)."""
    admins = [(n or a, a) for n, a in getaddresses([env_str(name)]) if a]
    for _name, address in admins:
        if "@" not in address:
            raise ImproperlyConfigured(f"{name}: {address!r} is not an e-mail address.")
    return admins


# Who gets a mail for every server error (500). Unset: nobody does.
ADMINS = env_admins("ADMINS")
# The error mails hide every POST value, cookie and frame variable, and redact tracking
# links and mobile numbers from the rest (zhashui_rd/error_reports.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "zhashui_rd.error_reports.PrivateExceptionReporterFilter"

# HSTS, only with HTTPS. A short max-age by default: a certificate mishap on a county server
# must not lock citizens out for a year. Preload is hard to undo (weeks to leave the
# browsers' lists), so it is an opt-in, and so are subdomains: a county site under gov.cn
# must not impose HTTPS on its sibling sites.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
    # security.W005 asks for includeSubDomains: off on purpose (above).
    SILENCED_SYSTEM_CHECKS.append("security.W005")
if not SECURE_HSTS_PRELOAD:
    # security.W021 asks for preload: an opt-in on purpose (above).
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Private files (liaison/files.py): behind nginx, answered with X-Accel-Redirect to this
# internal location of deploy/nginx/zhashui-rd.conf, which serves them from MEDIA_ROOT.
PRIVATE_FILES_X_ACCEL = env_bool("PRIVATE_FILES_X_ACCEL", False)
PRIVATE_FILES_X_ACCEL_PREFIX = env_str("PRIVATE_FILES_X_ACCEL_PREFIX", "/_protected/")

# Logs: always the console (journald keeps it under systemd); with LOG_DIR also a file per
# process kind (web.log, worker.log, beat.log, manage.log; gunicorn's own requests go to
# gunicorn.log, see deploy/gunicorn.conf.py), a new file at midnight, kept
# LOG_RETENTION_DAYS days (网络安全法 Art. 21: at least six months). Every handler passes
# lines through zhashui_rd/logredact.py: no mobile number, no tracking link.
LOG_DIR = env_str("LOG_DIR")
LOG_RETENTION_DAYS = env_int("LOG_RETENTION_DAYS", 180)
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
# The level of the portal's own loggers (liaison, petitions, points, zhashui_rd).
APP_LOG_LEVEL = env_str("APP_LOG_LEVEL", LOG_LEVEL)


def _log_name() -> str:
    """The log file of this process: one per kind, so the file is named by what wrote it."""
    if env_str("LOG_NAME"):
        return env_str("LOG_NAME")
    if TESTING:
        return f"tests-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    program = " ".join(sys.argv[:1]).replace("\\", "/")
    if "gunicorn" in program:
        return "web"
    if "celery" in program:
        return "beat" if "beat" in sys.argv else "worker"
    return "manage"


LOG_HANDLERS = ["console"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "zhashui_rd.logredact.RedactFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": LOG_HANDLERS, "level": LOG_LEVEL},
    "loggers": {
        # Django's own default handlers (console in debug, its mail_admins) are replaced:
        # its records reach ours through the root, redacted.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs each rendering step of every year-end PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        **{app: {"level": APP_LOG_LEVEL} for app in ("liaison", "petitions", "points")},
        "zhashui_rd": {"level": APP_LOG_LEVEL},
    },
}
if LOG_DIR:
    LOG_HANDLERS.append("file")
    LOGGING["handlers"]["file"] = {
        "class": "zhashui_rd.logredact.SharedTimedRotatingFileHandler",
        "filename": str(Path(LOG_DIR) / f"{_log_name()}.log"),
        "when": "midnight",
        "backupCount": LOG_RETENTION_DAYS,
        "encoding": "utf-8",
        "formatter": "line",
        "filters": ["redact"],
    }
if ADMINS:
    LOGGING["handlers"]["mail_admins"] = {
        "class": "django.utils.log.AdminEmailHandler",
        "level": "ERROR",
        # The HTML report shows every frame's source and more of the request: text only.
        "include_html": False,
        "reporter_class": "zhashui_rd.error_reports.PrivateExceptionReporter",
        "filters": ["require_debug_false", "redact"],
    }
    LOGGING["loggers"]["django.request"] = {
        "handlers": ["mail_admins"],
        "level": "INFO",
        "propagate": True,
    }

# --- Backups (issue #10, part F) ---
# `make backup` (manage.py backup) writes one archive (tar.gz, mode 0600: it holds personal
# data) to BACKUP_DIR and keeps the BACKUP_KEEP newest; `make restore FILE=…` reads one back.
# Copy archives off the server, encrypted (README, "Backups").
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
BACKUP_KEEP = max(1, env_int("BACKUP_KEEP", 14))

# --- Loading the real county from spreadsheets (issue #10) ---
# django-import-export in the administration (liaison/import_admin.py): an import runs in one
# transaction, rolled back on any row's problem; the dry run's file waits in a temporary
# folder for the confirmation (IMPORT_EXPORT_TMP_STORAGE_CLASS: with several web hosts behind
# one address, "import_export.tmp_storages.CacheStorage" keeps it in the shared Redis instead).
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Each imported object gets its admin log entry, as a change by hand does.
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_TMP_STORAGE_CLASS = env_str(
    "IMPORT_EXPORT_TMP_STORAGE_CLASS", "import_export.tmp_storages.TempFolderStorage"
)
# --- Two-factor sign-in (issue #10) ---
# django-otp: a TOTP code from an authenticator app, or a printed recovery code, after the
# password. Always required for county staff and superusers (no switch: a setting that can
# turn it off is a setting an attacker asks for), optional for everyone else
# (liaison/two_factor/). OTPMiddleware marks the session verified; ours, right after it,
# sends whoever must pass the second factor to it.
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # After django-otp's plugins: its admin takes theirs out of the administration.
    "liaison.two_factor",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "liaison.two_factor.middleware.SecondFactorMiddleware",
)
# The account's label in the authenticator app.
TWO_FACTOR_ISSUER = env_str("TWO_FACTOR_ISSUER", CONGRESS_NAME)
OTP_TOTP_ISSUER = TWO_FACTOR_ISSUER
# Seconds to wait after the first wrong code, doubled after each further one (django-otp's
# throttle, per device; 0 turns it off, which only tests should do).
OTP_TOTP_THROTTLE_FACTOR = env_int("TWO_FACTOR_THROTTLE_FACTOR", 1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
# Never show an authenticator's secret or a recovery code in the administration.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# --- Public page cache (issue #10) ---
# Seconds the home page, a station's page and a representative's page are kept for anonymous
# visitors. Any change to what they show forgets them at once (liaison/public_cache.py): this
# only bounds a change made while the cache was unreachable. 0 turns the cache off.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600)
# --- 五成效 from the records (issue #14, part A: measures/ratings.py) ---
# The yearly targets of the measured star-rating criteria: a station that reaches a target
# gets the criterion's full score (concerns received at it; its members' average approved
# points; its key issues solved: two quarters × 1–2).
RATING_RECEIVED_TARGET = env_int("RATING_RECEIVED_TARGET", 30)
RATING_POINTS_TARGET = env_int("RATING_POINTS_TARGET", 60)
RATING_KEY_ISSUES_TARGET = env_int("RATING_KEY_ISSUES_TARGET", 4)
# --- Public accountability boards (issue #14, petitions/boards.py) ---
# A share on a public board (solved, on time, satisfied) is shown only where at least this many
# concerns back it, and a row's count of concerns only from this many on: one case never
# brands a station.
PUBLIC_BOARD_MIN_SAMPLE = env_int("PUBLIC_BOARD_MIN_SAMPLE", 10)
