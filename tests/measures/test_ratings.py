"""The rules of 五成效 from the records (measures/ratings.py): each measured score equals the
figures worked out by hand from the fixtures, each formula's edges, saving a rating (hand
and measured scores, stars, audit row), the locked year, typed measured scores refused."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.test.utils import override_settings
from django.utils import timezone

from liaison.awards import AwardsLocked
from liaison.models import AwardYear, RatingCriterion, RatingScore, StationRating
from measures import ratings
from tests.base import ensure_default_criteria, make_station, make_world
from tests.helpers import in_site_language, tr
from tests.measures.helpers import (
    EXPECTED,
    YEAR,
    concern,
    hand_criteria,
    key_issue,
    seed_year,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = make_world()
    ensure_default_criteria()
    return w


def _scores(station, year=YEAR):
    return {m.criterion.code: m.score for m in ratings.measure(station, year)}


def test_the_migration_adds_the_two_new_measured_criteria():
    ensure_default_criteria()
    new = RatingCriterion.objects.filter(code__in=["results-key-issues", "results-mediation"])
    assert {(c.name, c.group, c.max_score, c.is_measured) for c in new} == {
        ("重点问题解决", "results", 4, True),
        ("调解成功率", "results", 4, True),
    }
    last_old = RatingCriterion.objects.get(code="results-points").order
    assert all(c.order > last_old for c in new)


def test_the_measured_scores_equal_the_figures_worked_out_by_hand(world):
    seed_year(world)
    assert _scores(world.station_a) == EXPECTED
    measured = {m.criterion.code: m for m in ratings.measure(world.station_a, YEAR)}
    inputs = {in_site_language(label): n for label, n in measured["results-resolved"].inputs}
    assert inputs == {tr("solved"): 2, tr("with a closing outcome"): 4}
    points = {in_site_language(label): n for label, n in measured["results-points"].inputs}
    assert points[tr("members' average points")] == Decimal("20.0")
    assert points[tr("members")] == 2


def test_the_bulk_form_gives_each_station_its_own(world):
    seed_year(world)
    bulk = ratings.measure_stations([world.station_a.pk, world.station_b.pk], YEAR)
    assert {m.criterion.code: m.score for m in bulk[world.station_a.pk]} == EXPECTED
    b = {m.criterion.code: m for m in bulk[world.station_b.pk]}
    # One concern (answered, no deadline: not reported on time's count), one key issue,
    # one member (丁代表: 15 + 5 + 4×1 = 24 points → 4 × 24/60 = 1.6) and rep_b (0): 12.
    assert b["results-received"].score == Decimal("0.1")  # 4 × 1/30 = 0.133
    assert b["results-resolved"].score == Decimal("0.0")
    assert b["results-key-issues"].score == Decimal("1.0")
    assert b["results-points"].score == Decimal("0.8")  # 4 × 12/60
    assert b["results-mediation"].no_data


def test_a_share_with_nothing_to_divide_scores_nothing_and_says_no_data(world):
    empty = {m.criterion.code: m for m in ratings.measure(make_station(name="空站"), YEAR)}
    for code in (
        "results-resolved",
        "results-on-time",
        "results-satisfaction",
        "results-mediation",
        "results-points",
    ):
        assert empty[code].score == 0 and empty[code].no_data
    assert empty["results-received"].score == 0 and not empty["results-received"].no_data


@override_settings(RATING_RECEIVED_TARGET=3, RATING_KEY_ISSUES_TARGET=2)
def test_above_the_target_scores_the_maximum_and_no_more(world):
    for _ in range(4):
        concern(world)
    for title in ("一", "二", "三"):
        key_issue(world.station_a, title=title)
    scores = _scores(world.station_a)
    assert scores["results-received"] == Decimal("4.0")
    assert scores["results-key-issues"] == Decimal("4.0")


@override_settings(RATING_POINTS_TARGET=10)
def test_members_points_above_the_target_score_the_maximum(world):
    seed_year(world)
    assert _scores(world.station_a)["results-points"] == Decimal("4.0")


def test_an_inactive_measured_criterion_is_not_measured(world):
    RatingCriterion.objects.filter(code="results-mediation").update(is_active=False)
    assert "results-mediation" not in _scores(world.station_a)


def _hand(value="3.0"):
    return {c.pk: Decimal(value) for c in hand_criteria()}


def test_saving_writes_hand_and_measured_scores_then_the_stars(world):
    seed_year(world)
    rating = ratings.rating_save(
        station=world.station_a, year=YEAR, actor=world.county, hand_scores=_hand()
    )
    hand = len(hand_criteria())
    assert hand == 20
    assert rating.total == Decimal(3 * hand) + Decimal("13.1")  # 73.1
    assert rating.max_total == Decimal(4 * 27)  # 108
    assert rating.stars == 2  # 67.7 % of the maximum
    stored = {s.criterion.code: s.score for s in rating.scores.select_related("criterion")}
    assert {code: stored[code] for code in EXPECTED} == EXPECTED
    entry = LogEntry.objects.get(object_id=str(rating.pk))
    assert entry.user == world.county and "73.1" in entry.change_message


def test_saving_again_recomputes_the_measured_scores(world):
    ratings.rating_save(station=world.station_a, year=YEAR, actor=world.county, hand_scores=_hand())
    before = StationRating.objects.get(station=world.station_a, year=YEAR).total
    seed_year(world)
    rating = ratings.rating_save(station=world.station_a, year=YEAR, actor=world.county)
    assert rating.total == before + Decimal("13.1")
    assert LogEntry.objects.filter(object_id=str(rating.pk)).count() == 2


def test_a_locked_year_refuses_and_saves_nothing(world):
    AwardYear.objects.create(year=YEAR, locked_at=timezone.now())
    with pytest.raises(AwardsLocked):
        ratings.rating_save(
            station=world.station_a, year=YEAR, actor=world.county, hand_scores=_hand()
        )
    assert not StationRating.objects.exists()


def test_a_typed_measured_score_is_refused(world):
    measured = RatingCriterion.objects.get(code="results-received")
    with pytest.raises(ValidationError):
        ratings.rating_save(
            station=world.station_a,
            year=YEAR,
            actor=world.county,
            hand_scores={**_hand(), measured.pk: Decimal("4")},
        )
    assert not StationRating.objects.exists() and not RatingScore.objects.exists()


@pytest.mark.parametrize("bad", ["4.1", "-1", "2.25", "NaN"])
def test_a_bad_hand_score_is_refused_and_nothing_saved(world, bad):
    scores = _hand()
    scores[hand_criteria()[0].pk] = bad
    with pytest.raises(ValidationError):
        ratings.rating_save(
            station=world.station_a, year=YEAR, actor=world.county, hand_scores=scores
        )
    assert not StationRating.objects.exists()


def test_only_county_and_the_towns_staff_may_rate(world):
    a = world.station_a
    assert ratings.may_rate(world.county, a)
    assert ratings.may_rate(world.town_staff_a, a)
    assert not ratings.may_rate(world.town_staff_b, a)
    assert not ratings.may_rate(world.station_staff_a, a)
    assert not ratings.may_rate(world.rep_a_user, a)
    assert set(ratings.stations_for_viewer(world.station_staff_a)) == {a}
    assert not ratings.stations_for_viewer(world.rep_a_user).exists()
