"""The public pages (home, a station's page by slug and by QR code, a representative's QR
page) served to anonymous visitors from the cache (liaison/public_cache.py, issue #10 §7):
no query on a second visit, never stale after any edit to what they show, never served to
or filled by a signed-in user, and still served when the cache is down."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.constants import INFO
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from liaison import public_cache, services
from liaison.models import DutyDay, DutyShift, Representative, Station, StationMembership
from points import publication
from points.services import duty_day_cancel
from tests.base import (
    make_rating,
    make_representative,
    make_station,
    make_town,
    make_user,
    representative_at_stations,
    station_with_representatives,
)
from tests.helpers import jpeg_bytes, tr
from tests.points.test_publication import finished_run

pytestmark = pytest.mark.django_db

ROWS = [1, 50]
# What the first (uncached) visit runs, as tests/liaison/test_query_counts.py measures it.
HOME_QUERIES = 4
STATION_PAGE_QUERIES = 6  # … its active grids and the rhythm's themes of today (issue #11)
# … the grids they look after; the five links: leaders, groups (issue #11)
REPRESENTATIVE_PAGE_QUERIES = 5 + 1 + 2


def _get(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response


def _warm(client, url):
    """Two anonymous visits: the first draws and keeps the page, the second is served it."""
    assert _get(client, url)["X-Public-Cache"] == "miss"
    assert _get(client, url)["X-Public-Cache"] == "hit"


# --- (a) a second anonymous visit runs no query ------------------------------------------


@pytest.mark.parametrize("rows", ROWS)
def test_a_second_visit_to_the_home_page_runs_no_query(client, django_assert_num_queries, rows):
    town = make_town()
    for _ in range(rows):
        make_representative(station=make_station(town))
    url = reverse("liaison:home")
    with django_assert_num_queries(HOME_QUERIES):
        first = _get(client, url)
    with django_assert_num_queries(0):
        second = _get(client, url)
    assert second.content == first.content
    assert second["X-Public-Cache"] == "hit"


@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize("by", ["slug", "qr"])
def test_a_second_visit_to_a_station_page_runs_no_query(
    client, django_assert_num_queries, rows, by
):
    station = station_with_representatives(rows)
    make_rating(station)
    url = station.get_absolute_url() if by == "slug" else station.get_qr_path()
    with django_assert_num_queries(STATION_PAGE_QUERIES):
        first = _get(client, url)
    with django_assert_num_queries(0):
        second = _get(client, url)
    assert second.content == first.content


@pytest.mark.parametrize("rows", ROWS)
def test_a_second_visit_to_a_representative_page_runs_no_query(
    client, django_assert_num_queries, rows
):
    rep = representative_at_stations(rows)
    with django_assert_num_queries(REPRESENTATIVE_PAGE_QUERIES):
        first = _get(client, rep.get_absolute_url())
    with django_assert_num_queries(0):
        second = _get(client, rep.get_absolute_url())
    assert second.content == first.content


def test_the_cached_page_keeps_its_headers_and_sets_no_cookie(client):
    rep = make_representative(station=make_station())
    first = _get(client, rep.get_absolute_url())
    second = _get(client, rep.get_absolute_url())
    for response in (first, second):
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert response["Cache-Control"] == "public, max-age=60"
        assert "Cookie" in response["Vary"]
        assert not response.cookies
        assert "csrfmiddlewaretoken" not in response.content.decode()
    assert second["ETag"] == first["ETag"]
    assert second["X-Frame-Options"] == "DENY"  # middleware still runs on a cached page


def test_a_browser_holding_the_page_gets_not_modified(client, django_assert_num_queries):
    rep = make_representative(station=make_station())
    etag = _get(client, rep.get_absolute_url())["ETag"]
    with django_assert_num_queries(0):
        response = client.get(rep.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_a_query_string_does_not_make_another_copy(client, django_assert_num_queries):
    rep = make_representative(station=make_station())
    _get(client, rep.get_absolute_url())
    with django_assert_num_queries(0):
        assert _get(client, rep.get_absolute_url() + "?from=poster")["X-Public-Cache"] == "hit"


def test_pages_are_kept_per_day(client, monkeypatch):
    """The station page lists the duty days from today on: tomorrow it is drawn afresh."""
    station = make_station()
    _warm(client, station.get_absolute_url())
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(public_cache.timezone, "localdate", lambda: tomorrow)
    assert _get(client, station.get_absolute_url())["X-Public-Cache"] == "miss"


def test_the_cache_can_be_turned_off(client, settings, django_assert_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    rep = make_representative(station=make_station())
    for _ in range(2):
        with django_assert_num_queries(REPRESENTATIVE_PAGE_QUERIES):
            assert "X-Public-Cache" not in _get(client, rep.get_absolute_url())


def test_a_replaced_code_is_never_kept(client):
    rep = make_representative(station=make_station())
    old = rep.get_absolute_url()
    _warm(client, old)
    services.representative_rotate_qr_token(representative=rep)
    for _ in range(2):
        response = client.get(old)
        assert response.status_code == 410
        assert "X-Public-Cache" not in response


# --- (b) never stale: every kind of edit shows on the next anonymous visit ----------------


@pytest.fixture
def scene():
    """Two towns; station A (rated, with a planned duty day) and station B; a representative
    seated at A; the pages of all of them already in the cache."""
    north, south = make_town("北镇"), make_town("南镇")
    a = make_station(north, "北镇中心站", address="北镇大街1号")
    b = make_station(south, "南镇联络点")
    rep = make_representative("柳代表", station=a)
    day = DutyDay.objects.create(station=a, date=timezone.localdate() + timedelta(days=3))
    DutyShift.objects.create(duty_day=day, representative=rep)
    make_rating(a, fraction=0.95)
    return {"a": a, "b": b, "rep": rep, "north": north, "day": day}


def _urls(s):
    return {
        "home": reverse("liaison:home"),
        "station": s["a"].get_absolute_url(),
        "station_qr": s["a"].get_qr_path(),
        "station_b": s["b"].get_absolute_url(),
        "rep": s["rep"].get_absolute_url(),
    }


def _rename_representative(s):
    s["rep"].name = "柳春和新名"
    s["rep"].save()
    return {"rep": ["柳春和新名"], "station": ["柳春和新名"], "station_qr": ["柳春和新名"]}, {
        "rep": ["柳代表"],
        "station": ["柳代表"],
    }


def _change_station_address(s):
    s["a"].address = "北镇新街99号"
    s["a"].save()
    return {"station": ["北镇新街99号"], "rep": ["北镇新街99号"]}, {"station": ["北镇大街1号"]}


def _move_representative(s):
    membership = StationMembership.objects.get(representative=s["rep"], station=s["a"])
    membership.station = s["b"]
    membership.save()
    return {"rep": ["南镇联络点"], "station_b": ["柳代表"]}, {"rep": ["北镇中心站"]}


def _seat_by_m2m(s):
    s["rep"].stations.add(s["b"], through_defaults={"duty_hours": "每周三"})
    return {"rep": ["南镇联络点", "每周三"], "station_b": ["柳代表"]}, {}


def _add_duty_day(s):
    on = timezone.localdate() + timedelta(days=10)
    DutyDay.objects.create(station=s["a"], date=on, hours="14:00–17:00")
    return {"station": [on.isoformat(), "14:00–17:00"]}, {}


def _cancel_duty_day(s):
    assert duty_day_cancel(duty_day=s["day"], actor=make_user(staff=True))
    return {}, {"station": [s["day"].date.isoformat()]}


def _add_to_roster(s):
    other = make_representative("宋值班", station=s["a"])
    DutyShift.objects.create(duty_day=s["day"], representative=other)
    return {"station": ["宋值班"]}, {}


def _publish_points_year(s):
    finished_run(2025, [(s["rep"], "88.0", "优秀")])
    publication.year_publish(year=2025, actor=make_user(staff=True))
    return {"rep": [tr("Performance record"), "优秀"]}, {}


def _upload_photo(s):
    s["rep"].photo.save("portrait.jpg", ContentFile(jpeg_bytes()), save=True)
    s["a"].photo.save("station.jpg", ContentFile(jpeg_bytes()), save=True)
    return {"rep": [s["rep"].photo.url], "station": [s["a"].photo.url]}, {}


def _rate_station(s):
    make_rating(s["b"], year=2026, fraction=1.0)
    return {"station_b": ["★"]}, {}


def _rename_town(s):
    s["north"].name = "北山镇"
    s["north"].save()
    return {"home": ["北山镇"], "station": ["北山镇"]}, {}


def _deactivate_representative(s):
    s["rep"].is_active = False
    s["rep"].save()
    return {}, {"station": ["柳代表"]}


def _delete_membership(s):
    StationMembership.objects.filter(representative=s["rep"]).delete()
    # Still on the duty day's roster, no longer among the station's representatives.
    return {"rep": [tr("Not yet assigned to a station.")]}, {
        "station": [s["rep"].get_absolute_url()]
    }


def _delete_station(s):
    s["b"].delete()
    return {}, {"home": ["南镇联络点"]}


def _add_station(s):
    make_station(s["north"], "北镇新设联络点", kind=Station.Kind.POINT)
    return {"home": ["北镇新设联络点"]}, {}


EDITS = [
    _rename_representative,
    _change_station_address,
    _move_representative,
    _seat_by_m2m,
    _add_duty_day,
    _cancel_duty_day,
    _add_to_roster,
    _publish_points_year,
    _upload_photo,
    _rate_station,
    _rename_town,
    _deactivate_representative,
    _delete_membership,
    _delete_station,
    _add_station,
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda f: f.__name__.strip("_"))
def test_the_next_anonymous_visit_shows_the_edit(client, scene, edit):
    urls = _urls(scene)
    for url in urls.values():
        _warm(client, url)

    shows, no_longer = edit(scene)

    assert shows or no_longer
    for page, words in shows.items():
        html = _get(client, urls[page]).content.decode()
        for word in words:
            assert word in html, f"{page} does not show {word!r} after {edit.__name__}"
    for page, words in no_longer.items():
        html = _get(client, urls[page]).content.decode()
        for word in words:
            assert word not in html, f"{page} still shows {word!r} after {edit.__name__}"


def test_a_change_committed_later_is_not_hidden_by_a_page_drawn_before_it(client, scene):
    """A visit between the change and its commit draws the rows of before: the commit
    forgets that copy too."""
    url = scene["rep"].get_absolute_url()
    _warm(client, url)
    callbacks = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(public_cache.transaction, "on_commit", callbacks.append)
        scene["rep"].occupation = "县医院院长"
        scene["rep"].save()
    assert callbacks
    _get(client, url)  # kept under the version of the moment
    for callback in callbacks:
        callback()
    assert _get(client, url)["X-Public-Cache"] == "miss"


# --- (c) a signed-in user is never served a kept page and never fills one ------------------


def test_a_signed_in_user_never_gets_or_fills_the_cached_page(client, scene):
    url = scene["rep"].get_absolute_url()
    _warm(client, url)
    user = make_user("qianyu")
    client.force_login(user)
    signed_in = _get(client, url)
    assert "X-Public-Cache" not in signed_in
    assert signed_in.context is not None  # drawn for them

    public_cache.public_pages_forget()
    signed_in = _get(client, url)  # with the cache empty: drawn, and not kept
    assert "X-Public-Cache" not in signed_in
    client.post(reverse("logout"))

    anonymous = _get(client, url)
    assert anonymous["X-Public-Cache"] == "miss"
    html = anonymous.content.decode()
    assert "qianyu" not in html
    assert reverse("logout") not in html
    assert _get(client, url)["X-Public-Cache"] == "hit"


def test_a_visitor_with_a_message_waiting_is_drawn_the_page_with_it(client, rf, scene):
    """The message shows once, in a page drawn for that visitor, and is never kept."""
    url = scene["rep"].get_absolute_url()
    _warm(client, url)
    storage = CookieStorage(rf.get(url))
    client.cookies[CookieStorage.cookie_name] = storage._encode([Message(INFO, "感谢您的反映")])
    response = _get(client, url)
    assert "感谢您的反映" in response.content.decode()
    assert "X-Public-Cache" not in response
    assert "感谢您的反映" not in _get(client, url).content.decode()  # shown once


def test_a_page_that_drew_a_csrf_token_is_not_kept(rf, scene):
    """Should a form with a token ever appear on these pages, they stop being kept rather
    than hand one visitor's token to the next."""

    def view(request):
        return HttpResponse(get_token(request))

    wrapped = public_cache.public_page(view)
    for _ in range(2):
        request = rf.get("/with-a-form/")
        request.user = AnonymousUser()
        assert wrapped(request).get("X-Public-Cache") is None


# --- (d) the cache down: the pages are drawn without it ------------------------------------

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Port 1 on loopback: nothing listens, the connection is refused at once.
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture
def cache_down(monkeypatch):
    monkeypatch.setattr(public_cache, "_skip_until", 0.0)
    with override_settings(CACHES=UNREACHABLE_REDIS):
        yield
    public_cache._skip_until = 0.0


@pytest.mark.parametrize("page", ["home", "station", "station_qr", "rep"])
def test_the_pages_render_with_the_cache_down(client, scene, cache_down, page):
    url = _urls(scene)[page]
    for _ in range(2):
        response = _get(client, url)
        assert "X-Public-Cache" not in response
    assert "柳代表" in response.content.decode() or page == "home"


def test_an_edit_with_the_cache_down_still_saves(client, scene, cache_down):
    scene["rep"].name = "停电时改名"
    scene["rep"].save()
    assert Representative.objects.get(pk=scene["rep"].pk).name == "停电时改名"
    assert "停电时改名" in _get(client, scene["rep"].get_absolute_url()).content.decode()


def test_an_outage_is_tried_once_then_left_alone_for_a_moment(client, scene, cache_down):
    calls = []
    real = public_cache.cache.get_many

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(public_cache.cache, "get_many", counting)
        for _ in range(3):
            _get(client, scene["rep"].get_absolute_url())
    assert len(calls) == 1
