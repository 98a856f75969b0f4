"""A receipt SMS is never lost to a Redis outage (issue 9, item 6): the citizen's page
succeeds while Redis is down, the SMS waits in the outbox, and the sweep has the real worker
send it once Redis is back. Stops the shared Redis: runs alone (scripts/test-suite.sh)."""

import os
import time

import pytest
from django.test import Client

from petitions.models import Petition, Sms
from petitions.sms import outbox
from tests.base import make_world
from tests.integration.test_redis_outage import _start_redis, _stop_redis
from tests.petitions.citizen_helpers import rep_url, submit

pytestmark = [pytest.mark.celery_worker, pytest.mark.redis_outage]


def test_a_receipt_sms_waits_out_a_redis_outage_and_goes_out_after(celery_worker_factory):
    if "TEST_REDIS_PIDFILE" not in os.environ:
        pytest.skip("Needs the Redis started by `make test`.")
    celery_worker_factory(env={"SMS_BACKEND": "console"})
    world = make_world()
    _stop_redis()
    try:
        started = time.monotonic()
        response, petition, token = submit(
            Client(), rep_url(world.rep_a), mobile="13812345678", name=""
        )
        assert time.monotonic() - started < 30
    finally:
        _start_redis()

    assert response.status_code == 200 and token, "the citizen's page never shows the outage"
    assert Petition.objects.filter(pk=petition.pk, step="received").exists()
    assert Sms.objects.get(petition=petition, kind="received").status == "pending"

    # The beat sweep (every 5 minutes in production) finds it once Redis is back.
    assert outbox.sms_retry_pending(older_than_seconds=0) == 1
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Sms.objects.get(petition=petition, kind="received").status != "pending":
            break
        time.sleep(0.5)
    sms = Sms.objects.get(petition=petition, kind="received")
    assert (sms.status, sms.attempts, sms.provider_id) == ("sent", 1, "console")
