"""QR images (representatives' and stations', PNG and SVG) are limited per client address
(QR_IMAGE_RATE, 60 a minute by default): over it, a plain 429."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django_ratelimit import core

from tests.base import make_representative, make_station, make_town
from tests.helpers import clear_own_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits_on(settings, monkeypatch):
    settings.RATELIMIT_ENABLE = True
    # One instant: no window edge falls between the requests.
    monkeypatch.setattr(core, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    clear_own_cache()
    yield
    clear_own_cache()


def test_the_default_is_sixty_a_minute(settings):
    assert settings.QR_IMAGE_RATE == "60/m"


def test_qr_images_are_limited_per_address_and_answer_a_plain_429(client, settings):
    settings.QR_IMAGE_RATE = "3/m"
    station = make_station(make_town())
    rep = make_representative(station=station)
    urls = [
        reverse("liaison:representative_qr", args=[rep.qr_token, "png"]),
        reverse("liaison:representative_qr", args=[rep.qr_token, "svg"]),
        reverse("liaison:station_qr", args=[station.qr_token, "png"]),
    ]
    for url in urls:
        assert client.get(url, REMOTE_ADDR="10.0.0.1").status_code == 200
    over = client.get(
        reverse("liaison:station_qr", args=[station.qr_token, "svg"]), REMOTE_ADDR="10.0.0.1"
    )
    assert over.status_code == 429
    assert over["Content-Type"].startswith("text/plain")
    assert "请求过于频繁" in over.content.decode()
    assert int(over["Retry-After"]) >= 1
    # Another address still gets its image, and the pages themselves are not limited.
    assert client.get(urls[0], REMOTE_ADDR="10.0.0.2").status_code == 200
    page = reverse("liaison:representative_detail", args=[rep.qr_token])
    assert client.get(page, REMOTE_ADDR="10.0.0.1").status_code == 200
