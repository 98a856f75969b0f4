"""The Celery app. Every beat schedule lives in the database (django-celery-beat),
created by migrations, so that staff can see and pause them in the admin."""

import gc
import logging.config
import os

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun, worker_process_init
from django import db
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhashui_rd.settings")

app = Celery("zhashui_rd")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(sender=None, **kwargs):
    """Around every task a worker runs, what Django does around every request: close the
    connections past DB_CONN_MAX_AGE or left unusable by an error, and check the others
    before their next use (CONN_HEALTH_CHECKS). Tasks run in process (eagerly) share their
    caller's connection and leave it alone."""
    request = getattr(sender, "request", None)
    if getattr(request, "is_eager", False):
        return
    db.close_old_connections()


@worker_process_init.connect
def set_loaded_objects_aside(**kwargs):
    """A worker process has loaded Django and the apps: objects that live as long as the
    process. Set them aside from the garbage collector (gc.freeze), or every full
    collection walks them all again, in the middle of whatever task made it run."""
    gc.freeze()


@setup_logging.connect
def use_the_portal_logging(**kwargs):
    """Workers and beat log like the web (settings.LOGGING: redacted, to LOG_DIR too).
    Without a receiver here Celery replaces the root logger's handlers with its own, and
    the file and the redaction are lost; with one, Celery configures nothing itself."""
    logging.config.dictConfig(settings.LOGGING)
