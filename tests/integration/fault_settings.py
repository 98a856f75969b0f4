"""The production settings (zhashui_rd/settings.py, from the same environment variables) for
the processes the fault tests start, with three differences, each because of the test:

- the per-address limits on citizens' submissions are off (django-ratelimit's own switch):
  the PostgreSQL restart test sends concerns in a loop from one loopback address;
- static files are served by name, without collectstatic's manifest: they are not what
  these tests are about, and collectstatic would take longer than the test;
- e-mail goes to the loopback SMTP port the SMTP test opens and closes (TEST_SMTP_PORT), and
  the worker retries a notice's e-mail after TEST_EMAIL_RETRY_SECONDS instead of a minute
  (the same Celery retry, annotated: the task's code is unchanged).
"""

import os

from zhashui_rd.settings import *  # noqa: F403

RATELIMIT_ENABLE = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

if os.environ.get("TEST_SMTP_PORT"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_PORT = int(os.environ["TEST_SMTP_PORT"])
    EMAIL_USE_TLS = EMAIL_USE_SSL = False
    EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
    EMAIL_TIMEOUT = 5

if os.environ.get("TEST_EMAIL_RETRY_SECONDS"):
    CELERY_TASK_ANNOTATIONS = {
        "petitions.tasks.send_notification_email": {
            "default_retry_delay": int(os.environ["TEST_EMAIL_RETRY_SECONDS"])
        }
    }
