"""Settings for the Zhashui people's congress portal.

One file. Every value that differs between a laptop and production comes from an
environment variable, read through the small helpers below, with a safe default:
nothing set means SQLite under ``var/`` and Celery tasks run in process.
The README lists every variable.
"""

import os
import sys
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
    "liaison",
    "petitions",
    "points",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
if env_bool("BEHIND_PROXY", False):  # nginx sets X-Forwarded-Proto
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Staff and representative sessions expire after a working day without a fresh login.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
# Sign-in throttling: failures allowed per account and address, and the lock-out.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)

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

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@zhashui-rd.invalid")

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs each rendering step of every year-end PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

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

# --- Public page cache (issue #10) ---
# Seconds the home page, a station's page and a representative's page are kept for anonymous
# visitors. Any change to what they show forgets them at once (liaison/public_cache.py): this
# only bounds a change made while the cache was unreachable. 0 turns the cache off.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600)
