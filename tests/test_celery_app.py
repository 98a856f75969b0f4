"""The Celery app's hooks around tasks and worker processes (zhashui_rd/celery.py)."""

import gc
from types import SimpleNamespace

import django.db

from zhashui_rd import celery


def test_a_worker_task_closes_old_connections_and_an_eager_one_leaves_them(monkeypatch):
    calls = []
    monkeypatch.setattr(django.db, "close_old_connections", lambda: calls.append(1))

    celery.close_old_connections(sender=SimpleNamespace(request=SimpleNamespace(is_eager=True)))
    assert calls == []  # in process: the caller's connection, perhaps mid-transaction

    celery.close_old_connections(sender=SimpleNamespace(request=SimpleNamespace(is_eager=False)))
    assert calls == [1]


def test_workers_keep_their_connections_between_tasks(settings):
    # Celery would close them around every task; it recycles after this many instead.
    assert celery.app.conf.get("CELERY_DB_REUSE_MAX", 0) >= 100
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_new_worker_process_sets_what_it_has_loaded_aside(monkeypatch):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    celery.set_loaded_objects_aside()
    assert frozen == [1]
