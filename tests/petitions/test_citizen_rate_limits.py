"""Citizen submissions under django-ratelimit: per client address (1 a minute, 5 in 5
minutes by default) and per representative's or station's page. Over a limit the same form
comes back with 429, a Chinese message, everything typed kept (photos must be chosen again,
and it says so), and nothing is created."""

import pytest
from django_ratelimit import core

from liaison import network
from petitions.models import Petition, PetitionEvent, PetitionPhoto
from tests.helpers import clear_own_cache, jpeg_bytes, page_text, stored_files, tr, upload
from tests.petitions.citizen_helpers import (
    GOOD_TEXT,
    form_data,
    rep_at_one_station,
    rep_url,
    station_url,
)

pytestmark = pytest.mark.django_db

HOME = "10.0.0.1"
NEIGHBOUR = "10.0.0.2"


class Clock:
    """The limits' clock: django-ratelimit's (fixed windows, each key's shifted by a
    jitter) and the sliding five minutes' (liaison/network.py)."""

    def __init__(self, now: int):
        self.now = now

    def time(self) -> float:
        return float(self.now)


@pytest.fixture
def clock(monkeypatch):
    fake = Clock(1_800_000_000)
    monkeypatch.setattr(core, "time", fake)
    monkeypatch.setattr(network, "time", fake)
    return fake


@pytest.fixture(autouse=True)
def _limits_on(settings):
    settings.RATELIMIT_ENABLE = True
    clear_own_cache()
    yield
    clear_own_cache()


def _post(client, url, address=HOME, **overrides):
    return client.post(url, form_data(**overrides), REMOTE_ADDR=address)


def _made(response) -> bool:
    return response.status_code == 200 and "token" in (response.context or {})


def _window(clock, key: str, period: int, at: int) -> int:
    clock.now = at
    return core._get_window(key, period)


def six_moments(clock, key: str) -> list[int]:
    """Six moments within 241 seconds, each in its own one-minute window of the
    1-a-minute limit: five concerns pass it, and the sixth is the sixth within five
    minutes. (Fixed windows would let it through: the moments straddle window edges.)"""
    start = clock.now
    for s in range(start, start + 120):
        if _window(clock, key, 60, s - 1) != _window(clock, key, 60, s):
            return [s - 241, s - 181, s - 121, s - 61, s - 1, s]
    raise AssertionError("no new minute within two minutes")


def test_the_defaults_are_one_a_minute_and_five_in_five_minutes(settings):
    assert settings.SUBMISSION_RATE_SHORT == "1/m"
    assert settings.SUBMISSION_RATE_LONG == "5/5m"
    assert core._split_rate(settings.SUBMISSION_RATE_LONG) == (5, 300)
    assert network.parse_rate(settings.SUBMISSION_RATE_LONG) == (5, 300)


def test_the_sixth_concern_within_five_minutes_from_one_address_is_refused(client, clock):
    rep, _station = rep_at_one_station()
    url = rep_url(rep)
    moments = six_moments(clock, HOME)
    for number, moment in enumerate(moments[:5], start=1):
        clock.now = moment
        assert _made(_post(client, url, text=f"{GOOD_TEXT}（第{number}件）"))
    counts = (Petition.objects.count(), PetitionEvent.objects.count())
    files = stored_files()

    clock.now = moments[5]
    typed = "第六件：桥头的护栏松动了，晚上路过很危险，请尽快修理。"
    response = client.post(
        url,
        {
            **form_data(text=typed, name="王大爷", mobile="13812345678"),
            "photo1": upload(jpeg_bytes()),
        },
        REMOTE_ADDR=HOME,
    )

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    text = page_text(response)
    assert "提交过于频繁" in text
    assert (
        tr(
            "Please choose your photos again: a browser cannot keep them when the form is shown again."
        )
        in text
    )
    # Everything typed is in the form again.
    html = response.content.decode()
    assert typed in html
    assert 'value="王大爷"' in html
    assert 'value="13812345678"' in html
    # Nothing made: no concern, no event, no photo.
    assert (Petition.objects.count(), PetitionEvent.objects.count()) == counts
    assert PetitionPhoto.objects.count() == 0
    assert stored_files() == files

    # Another address, at the same moment, still sends.
    assert _made(_post(client, url, address=NEIGHBOUR))


def test_five_minutes_after_the_first_of_five_a_sixth_is_sent(client, clock):
    rep, _station = rep_at_one_station()
    moments = six_moments(clock, HOME)
    for moment in moments[:5]:
        clock.now = moment
        assert _made(_post(client, rep_url(rep)))
    clock.now = moments[5]
    response = _post(client, rep_url(rep))
    assert response.status_code == 429
    # The message says how long: until the first of the five is five minutes old.
    wait = moments[0] + 300 - moments[5]
    assert int(response["Retry-After"]) == wait
    assert "请1分钟后" in page_text(response)
    clock.now = moments[0] + 300
    assert _made(_post(client, rep_url(rep)))


def test_a_second_concern_within_the_minute_is_refused_but_a_mistake_does_not_count(client, clock):
    rep, _station = rep_at_one_station()
    url = rep_url(rep)
    # Two forms with a mistake, then the corrected one: sent at once.
    for _ in range(2):
        assert _post(client, url, text="太短").status_code == 400
    assert _made(_post(client, url))
    response = _post(client, url, text="又一件事：垃圾站好几天没人清运了，气味很大。")
    assert response.status_code == 429
    assert "又一件事：垃圾站好几天没人清运了，气味很大。" in response.content.decode()
    assert Petition.objects.count() == 1


def test_a_refresh_of_the_result_page_shows_the_same_concern_not_the_limit(client, clock):
    rep, _station = rep_at_one_station()
    data = form_data()
    first = client.post(rep_url(rep), data, REMOTE_ADDR=HOME)
    again = client.post(rep_url(rep), data, REMOTE_ADDR=HOME)
    assert _made(first) and _made(again)
    assert again.context["petition"] == first.context["petition"]
    assert Petition.objects.count() == 1


def test_behind_a_proxy_the_forwarded_client_is_counted(client, clock, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    rep, _station = rep_at_one_station()
    url = rep_url(rep)
    nginx = "192.168.0.2"

    def post(forwarded):
        return client.post(url, form_data(), REMOTE_ADDR=nginx, HTTP_X_FORWARDED_FOR=forwarded)

    assert _made(post("203.0.113.7"))
    # The same citizen again, even claiming another address on the left: refused.
    assert post("203.0.113.7").status_code == 429
    assert post("198.51.100.1, 203.0.113.7").status_code == 429
    # Another citizen behind the same proxy: sends.
    assert _made(post("203.0.113.8"))


@pytest.mark.parametrize("page", ["representative", "station"])
def test_a_flood_against_one_page_from_many_addresses_is_limited(client, clock, settings, page):
    settings.SUBMISSION_RATE_PAGE_SHORT = "2/m"
    rep, station = rep_at_one_station()
    url = rep_url(rep) if page == "representative" else station_url(station)
    assert _made(_post(client, url, address="10.0.1.1"))
    assert _made(_post(client, url, address="10.0.1.2"))
    response = _post(client, url, address="10.0.1.3")
    assert response.status_code == 429
    assert "提交过于频繁" in page_text(response)
    # The other page is not affected.
    other = station_url(station) if page == "representative" else rep_url(rep)
    assert _made(_post(client, other, address="10.0.1.4"))


def test_the_form_page_itself_is_never_limited(client, clock):
    rep, _station = rep_at_one_station()
    assert _made(_post(client, rep_url(rep)))
    for _ in range(3):
        assert client.get(rep_url(rep), REMOTE_ADDR=HOME).status_code == 200


def test_a_cache_outage_lets_citizens_send(client, clock, monkeypatch):
    from django.core.cache import cache  # noqa: PLC0415 - the very object the test breaks

    rep, _station = rep_at_one_station()

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    for name in ("get", "add", "incr"):
        monkeypatch.setattr(cache, name, broken)
    assert _made(_post(client, rep_url(rep)))
    assert _made(_post(client, rep_url(rep)))


def test_forms_sent_wrong_again_and_again_are_limited_too(client, clock, settings):
    assert settings.SUBMISSION_RATE_ATTEMPTS == "30/5m"
    settings.SUBMISSION_RATE_ATTEMPTS = "3/5m"
    rep, _station = rep_at_one_station()
    for _ in range(3):
        assert _post(client, rep_url(rep), text="太短").status_code == 400
    response = _post(client, rep_url(rep))
    assert response.status_code == 429
    assert not Petition.objects.exists()
    assert _made(_post(client, rep_url(rep), address=NEIGHBOUR))
