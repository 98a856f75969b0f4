"""Public boards (issue #14, 办理结果公开): per town, station and handling unit, the year's
concerns received, share solved, share on time and satisfaction; nothing below the minimum
sample; the same figures as the staff statistics; no personal data; constant queries;
any query string gives a normal page."""

import itertools
import secrets
import uuid
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from petitions import boards, statistics, workflow
from petitions.models import Petition, Step
from tests.base import make_station, make_town, make_unit, make_world, receive, to_step
from tests.helpers import page_text, tr

pytestmark = pytest.mark.django_db

_seq = itertools.count(1)
SOLVED = Petition.Outcome.SOLVED


@pytest.fixture(autouse=True)
def _default_minimum(settings):
    settings.PUBLIC_BOARD_MIN_SAMPLE = 10


def _closed(*, station, town=None, unit, n, outcome=SOLVED, rating="satisfied", late=False):
    """``n`` concerns closed with a result, as the workflow leaves them (made in bulk: the
    board only reads these columns)."""
    today = timezone.localdate()
    rows = [
        Petition(
            tracking_no=f"ZS-B-{next(_seq):06d}",
            token_hash=secrets.token_hex(32),
            submit_key=uuid.uuid4(),
            channel=Petition.Channel.STATION_PAGE,
            step=Step.CLOSED,
            station=station,
            town=town or station.town,
            unit=unit,
            level=Petition.Level.TOWN,
            text="测试诉求",
            citizen_name="王秀英",
            citizen_phone="13912345678",
            deadline=today - timedelta(days=1) if late else today + timedelta(days=10),
            reported_at=timezone.now(),
            outcome=outcome,
            result_text="已办理。",
            rating=rating,
            closed_at=timezone.now(),
        )
        for _ in range(n)
    ]
    return Petition.objects.bulk_create(rows)


def _board(by):
    return {row.name: row for row in boards.board_figures(year=timezone.localdate().year, by=by)}


# --- the rules ----------------------------------------------------------------------------------


def test_it_counts_received_solved_on_time_and_satisfied():
    station = make_station(name="甲站")
    unit, _user = make_unit("甲局")
    _closed(station=station, unit=unit, n=6)
    _closed(station=station, unit=unit, n=2, outcome=Petition.Outcome.ANSWERED, late=True)
    _closed(station=station, unit=unit, n=2, rating="unsatisfied")
    row = _board("station")["甲站"]
    assert (row.received, row.outcomes, row.solved) == (10, 10, 8)
    assert (row.reported, row.on_time, row.surveyed, row.satisfied) == (10, 8, 10, 8)
    assert row.solved_share.percent == 80 and row.on_time_share.value == 0.8
    assert row.satisfaction.percent == 80
    assert _board("unit")["甲局"].received == 10
    assert _board("town")[station.town.name].received == 10


def test_a_share_below_the_minimum_is_not_shown_at_the_minimum_it_is():
    below = boards.BoardRow(1, "x", 9, 9, 9, 9, 9, 9, 9, minimum=10)
    at = boards.BoardRow(1, "x", 10, 10, 7, 10, 10, 10, 10, minimum=10)
    assert not below.received_shown
    assert below.solved_share.value is None and below.satisfaction.percent is None
    assert at.received_shown and at.solved_share.percent == 70
    assert boards.BoardRow(1, "x", 0, 0, 0, 0, 0, 0, 0, minimum=1).solved_share.value is None


def test_below_the_minimum_the_page_shows_nothing_at_it_the_figures(client):
    small = make_station(name="小样本站")
    big = make_station(name="足样本站")
    unit, _user = make_unit()
    _closed(station=small, unit=unit, n=9)
    _closed(station=big, unit=unit, n=10)
    html = client.get(reverse("petitions:boards_stations")).content.decode()
    small_card = html.split("小样本站")[1].split("board-row")[0]
    big_card = html.split("足样本站")[1].split("board-row")[0]
    assert "%" not in small_card and ">9<" not in small_card
    assert tr("fewer than %(n)s concerns — not shown") % {"n": 10} in page_text(small_card)
    assert "100%" in big_card and "<strong>10</strong>" in big_card


def test_the_minimum_is_a_setting(client, settings):
    settings.PUBLIC_BOARD_MIN_SAMPLE = 3
    unit, _user = make_unit()
    _closed(station=make_station(name="三件站"), unit=unit, n=3)
    html = client.get(reverse("petitions:boards_stations")).content.decode()
    assert "100%" in html.split("三件站")[1]


def test_last_years_concerns_are_on_last_years_board(client):
    unit, _user = make_unit()
    station = make_station(name="去年站")
    old = _closed(station=station, unit=unit, n=10)
    last_year = timezone.localdate().year - 1
    Petition.objects.filter(pk__in=[p.pk for p in old]).update(
        created_at=timezone.now() - timedelta(days=400)
    )
    year = timezone.localtime(Petition.objects.get(pk=old[0].pk).created_at).year
    assert year <= last_year
    assert "去年站" not in _board("station")
    html = client.get(reverse("petitions:boards_stations"), {"year": year}).content.decode()
    assert "去年站" in html and f'href="?year={year}"' not in html  # the year shown
    this_year = client.get(reverse("petitions:boards")).content.decode()
    assert f'href="?year={year}"' in this_year  # the switch back to it


def test_a_past_year_without_concerns_says_that_year_not_this_year(client):
    """A past year's boards with nothing received name that year; "this year yet" is for the
    current year only."""
    town = make_town("往年镇")
    _closed(station=make_station(town, name="今年站"), unit=make_unit()[0], n=1)
    last_year = timezone.localdate().year - 1
    past = tr("No concern was received in %(year)s.") % {"year": last_year}
    for url in (
        reverse("petitions:boards"),
        reverse("petitions:boards_stations"),
        reverse("petitions:boards_units"),
        reverse("petitions:boards_town", args=[town.pk]),
    ):
        text = page_text(client.get(url, {"year": last_year}))
        assert past in text and tr("No concern was received this year yet.") not in text, url
    empty_town = make_town("无诉求镇")
    this_year = page_text(client.get(reverse("petitions:boards_town", args=[empty_town.pk])))
    assert tr("No concern was received this year yet.") in this_year


# --- the same figures as the staff statistics ---------------------------------------------------


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def handled(world, monkeypatch):
    """Concerns of towns A and B at every step, one reported late, one rated 不满意."""
    steps = ["received", "collected", "assigned", "supervising", "reported", "closed"]
    for step in [*steps, "closed", "closed", "rejected", "merged"]:
        petition, _ = receive(world)
        to_step(world, petition, step)
    for step in ["closed", "supervising", "received"]:
        petition, _ = receive(world, rep=world.rep_b)
        to_step(world, petition, step)
    late, _ = receive(world)
    to_step(world, late, "supervising")
    late.refresh_from_db()
    with monkeypatch.context() as later:
        noon = timezone.make_aware(datetime.combine(late.deadline + timedelta(days=2), time(12)))
        later.setattr(timezone, "now", lambda: noon)
        workflow.petition_report(
            petition=late,
            actor=world.unit_user,
            result="已答复。",
            outcome=Petition.Outcome.ANSWERED,
        )
    unhappy, _ = receive(world)
    to_step(world, unhappy, "reported")
    workflow.petition_survey(petition=unhappy, rating="unsatisfied")
    return world


def test_the_town_board_gives_the_staff_statistics_figures(handled, settings):
    world = handled
    settings.PUBLIC_BOARD_MIN_SAMPLE = 1
    year = timezone.localdate().year
    towns = {row.id: row for row in boards.board_figures(year=year, by="town")}
    for town in (world.town_a, world.town_b):
        stats = statistics.petition_statistics(user=world.county, year=year, town=town)
        row = towns[town.pk]
        assert row.received == stats.total
        assert row.reported == stats.reported and row.on_time == stats.on_time
        assert row.on_time_share.value == stats.on_time_share
        assert row.surveyed == stats.surveyed and row.satisfied == stats.satisfied
        assert row.satisfaction.value == stats.satisfaction_rate
        outcomes = {r.key: r.count for r in _table(stats, "outcome").rows}
        assert row.outcomes == sum(outcomes.values())
        assert row.solved == outcomes.get(SOLVED, 0)
    assert towns[world.town_a.pk].on_time < towns[world.town_a.pk].reported  # one was late


def test_the_station_and_unit_boards_give_the_statistics_received(handled):
    world = handled
    year = timezone.localdate().year
    stats = statistics.petition_statistics(user=world.county, year=year)
    by_station = {r.key: r.count for r in _table(stats, "station").rows if r.key}
    board = {str(r.id): r.received for r in boards.board_figures(year=year, by="station")}
    assert board == by_station and len(board) == 2
    by_unit = {r.key: r.count for r in _table(stats, "unit").rows if r.key}
    assert {str(r.id): r.received for r in boards.board_figures(year=year, by="unit")} == by_unit
    county = boards.county_figures(year=year)
    assert (county.received, county.on_time, county.satisfied) == (
        stats.total,
        stats.on_time,
        stats.satisfied,
    )


def _table(stats, key):
    return next(t for t in stats.tables if t.key == key)


# --- the pages ----------------------------------------------------------------------------------


def test_every_board_opens_without_signing_in(client):
    town = make_town("公开镇")
    unit, _user = make_unit()
    _closed(station=make_station(town, name="公开站"), unit=unit, n=10)
    for url in (
        reverse("petitions:boards"),
        reverse("petitions:boards_stations"),
        reverse("petitions:boards_units"),
        reverse("petitions:boards_town", args=[town.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "公开" in response.content.decode()


def test_an_unknown_town_is_a_404(client):
    assert client.get(reverse("petitions:boards_town", args=[987654])).status_code == 404
    assert client.get("/boards/towns/99999999999999999999999/").status_code == 404


@pytest.mark.parametrize(
    "year", ["abc", "99999", "-1", "1999", "２０２５", "2025'; DROP TABLE x;--", "", "0" * 5000]
)
def test_a_hostile_year_gives_this_years_page(client, year):
    response = client.get(reverse("petitions:boards_stations"), {"year": year})
    assert response.status_code == 200
    this_year = timezone.localdate().year
    assert f"· {this_year}</h1>" in response.content.decode()


def test_no_board_shows_a_name_a_phone_or_a_concern(client):
    town = make_town("隐私镇")
    unit, _user = make_unit()
    _closed(station=make_station(town, name="隐私站"), unit=unit, n=12)
    for url in (
        reverse("petitions:boards"),
        reverse("petitions:boards_stations"),
        reverse("petitions:boards_units"),
        reverse("petitions:boards_town", args=[town.pk]),
    ):
        html = client.get(url).content.decode()
        assert "王秀英" not in html and "13912345678" not in html and "测试诉求" not in html
        assert "已办理" not in html


def test_the_boards_are_kept_for_anonymous_visitors_one_copy_per_year(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    url = reverse("petitions:boards_stations")
    assert client.get(url)["X-Public-Cache"] == "miss"
    assert client.get(url)["X-Public-Cache"] == "hit"
    assert client.get(url, {"year": "abc"})["X-Public-Cache"] == "hit"  # this year's copy
    last_year = str(timezone.localdate().year - 1)
    assert client.get(url, {"year": last_year})["X-Public-Cache"] == "miss"
    assert tr("Results by station") in page_text(client.get(url).content.decode())


def test_the_home_page_and_a_station_page_link_to_the_boards(client):
    station = make_station(make_town("链接镇"))
    assert reverse("petitions:boards") in client.get(reverse("liaison:home")).content.decode()
    page = client.get(station.get_absolute_url()).content.decode()
    assert reverse("petitions:boards_town", args=[station.town_id]) in page


# --- constant queries ---------------------------------------------------------------------------


def _stations_with_concerns(count):
    town = make_town()
    unit_list = [make_unit()[0] for _ in range(count)]
    for n, unit in enumerate(unit_list):
        _closed(station=make_station(town, name=f"站{n:03d}"), unit=unit, n=2)
    return town


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name", ["petitions:boards", "petitions:boards_stations", "petitions:boards_units", "town"]
)
def test_a_board_runs_the_same_queries_for_1_or_50_rows(client, settings, name):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # counted, not served from the cache

    def url(town):
        if name == "town":
            return reverse("petitions:boards_town", args=[town.pk])
        return reverse(name)

    one = _queries(client, url(_stations_with_concerns(1)))
    Petition.objects.all().delete()
    fifty = _stations_with_concerns(50)
    assert _queries(client, url(fifty)) == one
    assert one <= 4


def test_the_staff_statistics_page_links_to_the_boards(client, world):
    client.force_login(world.county)
    response = client.get(reverse("petitions:staff_statistics"))
    assert response.status_code == 200
    assert f'href="{reverse("petitions:boards")}"' in response.content.decode()
