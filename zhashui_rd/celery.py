"""The Celery app. Every beat schedule lives in the database (django-celery-beat),
created by migrations, so that staff can see and pause them in the admin."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhashui_rd.settings")

app = Celery("zhashui_rd")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
