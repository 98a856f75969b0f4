"""A Redis outage never fails or loses a citizen's submission (issue #3, item 11)."""

import os
import subprocess
import time
from urllib.parse import urlparse

import pytest
from django.conf import settings

from petitions import notifications
from petitions.models import Notification, Petition
from tests.base import make_world, receive

pytestmark = [pytest.mark.celery_worker, pytest.mark.redis_outage]


def _redis(*args):
    port = str(urlparse(settings.REDIS_URL).port)
    return ["redis-cli", "-h", "127.0.0.1", "-p", port, *args]


def _stop_redis():
    subprocess.run(_redis("shutdown", "nosave"), capture_output=True, timeout=10)
    for _ in range(50):
        if subprocess.run(_redis("ping"), capture_output=True).returncode != 0:
            return
        time.sleep(0.1)
    pytest.fail("Redis did not stop.")


def _start_redis():
    port = str(urlparse(settings.REDIS_URL).port)
    subprocess.run(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            port,
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            "--pidfile",
            os.environ["TEST_REDIS_PIDFILE"],
            "--dir",
            os.environ["TEST_REDIS_DIR"],
            "--logfile",
            os.path.join(os.environ["TEST_REDIS_DIR"], "redis-restarted.log"),
        ],
        check=True,
        timeout=10,
    )
    for _ in range(100):
        if subprocess.run(_redis("ping"), capture_output=True).returncode == 0:
            return
        time.sleep(0.1)
    pytest.fail("Redis did not come back.")


def test_a_submission_survives_a_redis_outage_and_its_notice_goes_out_after(celery_worker_process):
    if "TEST_REDIS_PIDFILE" not in os.environ:
        pytest.skip("Needs the Redis started by `make test`.")
    world = make_world()
    world.rep_a_user.email = "rep-a@example.cn"
    world.rep_a_user.save(update_fields=["email"])
    _stop_redis()
    try:
        started = time.monotonic()
        petition, token = receive(world, text="停电时提交：桥面护栏松动，存在安全隐患。")
        assert time.monotonic() - started < 30
    finally:
        _start_redis()

    assert Petition.objects.filter(pk=petition.pk, step="received").exists()
    pending = Notification.objects.filter(petition=petition, email_status="pending")
    assert pending.exists(), "the notice waits for the broker"

    # The beat sweep (every 5 minutes in production) finds it once Redis is back.
    assert notifications.notifications_retry_pending(older_than_seconds=0) >= 1
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not Notification.objects.filter(petition=petition, email_status="pending").exists():
            break
        time.sleep(0.5)
    assert not Notification.objects.filter(petition=petition, email_status="pending").exists()
    assert Notification.objects.filter(petition=petition, email_status="sent").exists()
