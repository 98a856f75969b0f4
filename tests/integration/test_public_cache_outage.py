"""The public pages on the real Redis, stopped and started again (issue #10 §7): while it is
down the pages are drawn without it and edits save; once it is back no page kept before the
outage is served for what changed during it."""

import os

import pytest
from django.conf import settings

from liaison import public_cache
from liaison.models import Representative
from tests.base import make_representative, make_station
from tests.integration.test_redis_outage import _start_redis, _stop_redis

pytestmark = [pytest.mark.django_db, pytest.mark.redis_outage]


def test_the_pages_survive_a_redis_outage_and_are_not_stale_after_it(client, monkeypatch):
    if "TEST_REDIS_PIDFILE" not in os.environ or not settings.REDIS_URL:
        pytest.skip("Needs the Redis started by `make test`.")
    monkeypatch.setattr(public_cache, "_skip_until", 0.0)
    rep = make_representative("柳停电", station=make_station())
    url = rep.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Public-Cache"] == "hit"

    _stop_redis()
    try:
        rep.name = "柳恢复"
        rep.save()  # the version cannot be replaced: swallowed, logged
        response = client.get(url)
        assert response.status_code == 200
        assert "柳恢复" in response.content.decode()
    finally:
        _start_redis()
        public_cache._skip_until = 0.0

    assert Representative.objects.get(pk=rep.pk).name == "柳恢复"
    response = client.get(url)
    assert response.status_code == 200
    # The test Redis keeps nothing across a restart (as a production Redis without
    # persistence); with persistence, PUBLIC_PAGE_CACHE_SECONDS bounds the old copy.
    assert "柳恢复" in response.content.decode()
    assert "柳停电" not in response.content.decode()
