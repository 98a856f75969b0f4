"""The star ratings' staff pages: the year's list and a station's year, who sees and rates
what (out of scope is 404, a viewer's save 403), bad scores shown in Chinese with nothing
saved, the locked year, and constant queries on 1 and 50 stations."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.models import AwardYear, RatingCriterion, RatingScore, StationRating
from tests.base import ensure_default_criteria, make_station, make_world
from tests.helpers import page_text, tr
from tests.measures.helpers import EXPECTED, YEAR, concern, hand_criteria, seed_year

pytestmark = pytest.mark.django_db

ROWS = [1, 50]
# Session and user (2), who the user is (scope, units: 2), the stations with the year's
# ratings and their scores (3), the measured figures (criteria, concerns, key issues,
# mediations, members, points rules, caps, items: 8), the lock (1), the header's badge and
# calendar banner (3).
LIST_QUERIES = 19


@pytest.fixture
def world():
    w = make_world()
    ensure_default_criteria()
    return w


def _in(client, user):
    client.force_login(user)
    return client


def _detail(station, year=YEAR):
    return reverse("measures:rating_detail", args=[year, station.pk])


def _form(value="3.0", **extra):
    data = {f"c{c.pk}": value for c in hand_criteria()}
    data["notes"] = "按五个五标准现场检查。"
    data.update(extra)
    return data


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["list", "detail"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, url):
    target = reverse("measures:rating_list") if url == "list" else _detail(world.station_a)
    response = client.get(target)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["rep_a_user", "unit_user"])
def test_people_without_a_staff_scope_get_404(client, world, who):
    _in(client, getattr(world, who))
    assert client.get(reverse("measures:rating_list")).status_code == 404
    assert client.get(_detail(world.station_a)).status_code == 404


def test_other_towns_and_stations_are_404(client, world):
    _in(client, world.town_staff_b)
    assert client.get(_detail(world.station_a)).status_code == 404
    assert client.post(_detail(world.station_a), _form()).status_code == 404
    _in(client, world.station_staff_a)
    assert client.get(_detail(world.station_b)).status_code == 404
    assert client.get(reverse("measures:rating_detail", args=[YEAR, 999999])).status_code == 404
    assert (
        client.get(reverse("measures:rating_detail", args=[1999, world.station_a.pk])).status_code
        == 404
    )
    assert not StationRating.objects.exists()


def test_station_staff_see_their_own_station_and_may_not_save(client, world):
    _in(client, world.station_staff_a)
    response = client.get(_detail(world.station_a))
    assert response.status_code == 200
    assert b'class="ratings-form"' not in response.content
    assert client.post(_detail(world.station_a), _form()).status_code == 403
    assert not StationRating.objects.exists()
    listed = client.get(reverse("measures:rating_list"), {"year": YEAR})
    assert [r["station"] for r in listed.context["rows"]] == [world.station_a]


def test_town_staff_list_their_towns_stations(client, world):
    _in(client, world.town_staff_a)
    response = client.get(reverse("measures:rating_list"), {"year": YEAR})
    assert {r["station"] for r in response.context["rows"]} == {world.station_a}


# --- the pages ------------------------------------------------------------------------------


def test_the_detail_shows_the_measured_criteria_with_formula_and_inputs(client, world):
    seed_year(world)
    response = _in(client, world.county).get(_detail(world.station_a))
    assert response.status_code == 200
    shown = {m.criterion.code: m.score for m in response.context["measurements"]}
    assert shown == EXPECTED
    text = page_text(response)
    assert "调解成功率" in text and "重点问题解决" in text
    # Measured criteria are not inputs of the form.
    names = set(response.context["form"].fields)
    assert names == {f"c{c.pk}" for c in hand_criteria()} | {"notes"}


def test_county_staff_save_a_rating_and_the_stars_follow(client, world):
    seed_year(world)
    response = _in(client, world.county).post(_detail(world.station_a), _form())
    assert response.status_code == 302
    rating = StationRating.objects.get(station=world.station_a, year=YEAR)
    assert rating.total == Decimal("73.1") and rating.stars == 2
    assert rating.rated_by == world.county
    page = client.get(response["Location"])
    assert tr("The rating is saved; the stars follow from it.") in page_text(page)


def test_town_staff_rate_their_towns_station(client, world):
    _in(client, world.town_staff_a)
    assert client.post(_detail(world.station_a), _form("4")).status_code == 302
    assert StationRating.objects.get(station=world.station_a).total == Decimal(80)


def test_a_typed_measured_score_is_ignored(client, world):
    # The form has no field for a measured criterion: a crafted one is dropped, and the
    # score stored is the one measured (no concern: 0).
    typed = hand_criteria()[0]
    received = RatingCriterion.objects.get(code="results-received")
    _in(client, world.county).post(_detail(world.station_a), _form(**{f"c{received.pk}": "4"}))
    assert RatingScore.objects.get(criterion=received).score == Decimal("0.0")
    assert RatingScore.objects.get(criterion=typed).score == Decimal("3.0")


@pytest.mark.parametrize("bad", ["4.5", "-1", "abc", "1.25", ""])
def test_a_bad_score_is_shown_in_chinese_and_nothing_is_saved(client, world, bad):
    first = hand_criteria()[0]
    response = _in(client, world.county).post(
        _detail(world.station_a), _form(**{f"c{first.pk}": bad})
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"c{first.pk}"]
    assert tr("Some scores are not valid: nothing was saved.") in page_text(response)
    assert not StationRating.objects.exists() and not RatingScore.objects.exists()


def test_a_locked_year_refuses_with_the_message_in_the_page(client, world):
    AwardYear.objects.create(year=YEAR, locked_at=timezone.now())
    response = _in(client, world.county).post(_detail(world.station_a), _form())
    assert response.status_code == 200
    assert str(YEAR) in page_text(response) and "锁定" in page_text(response)
    assert not StationRating.objects.exists()


def test_a_bad_year_in_the_list_says_so_and_shows_this_year(client, world):
    response = _in(client, world.county).get(reverse("measures:rating_list"), {"year": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year
    assert response.context["form"].errors["year"]


def test_the_list_shows_stars_measured_and_hand_totals(client, world):
    seed_year(world)
    _in(client, world.county).post(_detail(world.station_a), _form())
    response = client.get(reverse("measures:rating_list"), {"year": YEAR})
    row = next(r for r in response.context["rows"] if r["station"] == world.station_a)
    assert row["rating"].stars == 2
    assert row["measured_total"] == Decimal("13.1")
    assert row["hand_total"] == Decimal("60.0")


# --- constant queries -----------------------------------------------------------------------


@pytest.mark.parametrize("rows", ROWS)
def test_the_list_runs_constant_queries(client, world, django_assert_num_queries, rows):
    seed_year(world)
    for n in range(rows):
        station = make_station(town=world.town_a, name=f"测试站{n}")
        concern(world, station=station)
        StationRating.objects.create(station=station, year=YEAR, rated_on=timezone.localdate())
    _in(client, world.county)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("measures:rating_list"), {"year": YEAR})
    assert len(response.context["rows"]) == rows + 2


@pytest.mark.parametrize("rows", ROWS)
def test_the_detail_runs_constant_queries(client, world, django_assert_num_queries, rows):
    for _ in range(rows):
        concern(world, step="closed", outcome="solved", rating="satisfied")
    _in(client, world.county).post(_detail(world.station_a), _form())
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(_detail(world.station_a)).status_code == 200


# Session and user (2), who the user is (2), the station (1), the rating with its rater and
# scores (2), the hand criteria (1), the lock (1), the measured figures (8), the header (3).
DETAIL_QUERIES = 20
