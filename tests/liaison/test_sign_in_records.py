"""Sign-in records (django-axes' access logs) are kept as long as the log files, then
deleted by a daily beat job."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from liaison import services, tasks

pytestmark = pytest.mark.django_db


def _records(days_ago: int) -> None:
    when = timezone.now() - datetime.timedelta(days=days_ago)
    for model in (AccessLog, AccessFailureLog):
        row = model.objects.create(username="alice", ip_address="10.0.0.1", user_agent="t")
        model.objects.filter(pk=row.pk).update(attempt_time=when)


def test_records_past_the_retention_period_go_and_the_rest_stay(settings):
    settings.LOG_RETENTION_DAYS = 180
    _records(181)
    _records(179)
    attempt = AccessAttempt.objects.create(
        username="alice", ip_address="10.0.0.1", user_agent="t", failures_since_start=3
    )
    assert tasks.prune_sign_in_records() == 2
    assert AccessLog.objects.count() == AccessFailureLog.objects.count() == 1
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()  # a lock-out in force stays
    assert services.sign_in_records_prune(days=0) == 2


def test_the_beat_runs_it_every_night():
    job = PeriodicTask.objects.get(task="liaison.tasks.prune_sign_in_records")
    assert job.enabled and (job.crontab.hour, job.crontab.minute) == ("3", "50")
