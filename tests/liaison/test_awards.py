"""Awards by stars (以奖代补): the rules. Amounts per star level with their audit rows, the
list and its total, the lock and its snapshot, and a locked year refusing every change to its
amounts and its star ratings (services, the models' clean, the criteria's recompute task)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from liaison import awards, services
from liaison.models import AwardEvent, AwardLevel, AwardLine, AwardYear, RatingScore, StationRating
from liaison.models.append_only import AuditRowImmutable
from tests.base import make_county_staff, make_rating, make_station, make_town
from tests.liaison.award_helpers import AMOUNTS, rate, rated_stations, set_amounts

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    return make_county_staff()


# --- amounts --------------------------------------------------------------------------------


def test_it_sets_the_amounts_with_one_audit_row(county):
    assert set_amounts(actor=county) == 5
    levels = dict(AwardLevel.objects.values_list("stars", "amount"))
    assert levels == AMOUNTS
    event = AwardEvent.objects.get()
    assert event.kind == AwardEvent.Kind.AMOUNTS_SET and event.actor == county
    assert event.before == {} and event.after["5"] == "5000.00"


def test_setting_the_same_amounts_again_appends_nothing(county):
    set_amounts(actor=county)
    assert set_amounts(actor=county) == 0
    assert AwardEvent.objects.count() == 1


def test_a_change_and_a_removal_are_recorded_before_and_after(county):
    set_amounts(actor=county)
    changed = awards.award_levels_set(
        year=2025, amounts={**AMOUNTS, 4: Decimal("3500.5"), 1: None}, actor=county
    )
    assert changed == 2
    assert dict(AwardLevel.objects.values_list("stars", "amount")) == {
        5: Decimal("5000"),
        4: Decimal("3500.50"),
        3: Decimal("2000"),
        2: Decimal("1000"),
    }
    latest = AwardEvent.objects.first()
    assert latest.before["4"] == "3000.00" and latest.after["4"] == "3500.50"
    assert "1" in latest.before and "1" not in latest.after


@pytest.mark.parametrize(
    "bad", [Decimal("-1"), "abc", Decimal(10) ** 12, Decimal("1.234"), "NaN", "Infinity"]
)
def test_it_refuses_a_bad_amount_and_saves_nothing(county, bad):
    with pytest.raises(ValidationError):
        awards.award_levels_set(year=2025, amounts={**AMOUNTS, 3: bad}, actor=county)
    assert not AwardLevel.objects.exists() and not AwardEvent.objects.exists()


def test_it_refuses_a_star_level_outside_one_to_five(county):
    with pytest.raises(ValidationError):
        awards.award_levels_set(year=2025, amounts={6: Decimal(1)}, actor=county)


def test_audit_rows_are_never_changed_or_deleted(county):
    set_amounts(actor=county)
    event = AwardEvent.objects.get()
    with pytest.raises(AuditRowImmutable):
        event.save()
    with pytest.raises(AuditRowImmutable):
        AwardEvent.objects.all().delete()


# --- the list -------------------------------------------------------------------------------


def test_the_list_has_every_rated_station_and_sums():
    stations = rated_stations(7)
    set_amounts()
    rate(make_station(), 5, year=2024)  # another year: not in 2025's list
    result = awards.award_list(2025)
    assert len(result.rows) == 7
    assert {row.station_id for row in result.rows} == {s.pk for s in stations}
    # 5, 4, 3, 2, 1, 5, 4 stars.
    expected = sum(AMOUNTS[s] for s in (5, 4, 3, 2, 1, 5, 4))
    assert result.total == expected == Decimal("19500")
    assert sum(group.subtotal for group in result.towns) == result.total
    assert not result.missing_levels and not result.locked


def test_a_level_without_an_amount_counts_zero_and_is_reported():
    rated_stations(5)
    awards.award_levels_set(year=2025, amounts={5: Decimal(5000), 4: Decimal(3000)}, actor=None)
    result = awards.award_list(2025)
    assert result.missing_levels == [3, 2, 1]
    assert result.total == Decimal(8000)
    assert [row.amount for row in result.rows if row.stars == 1] == [Decimal(0)]
    assert result.lock_refusal


def test_the_list_groups_by_town_with_subtotals():
    town_a, town_b = make_town(name="甲镇"), make_town(name="乙镇")
    rate(make_station(town=town_a, name="甲一站"), 5)
    rate(make_station(town=town_a, name="甲二站"), 3)
    rate(make_station(town=town_b, name="乙一站"), 4)
    set_amounts()
    groups = awards.award_list(2025).towns
    # Towns in the order of their names, each town's stations by stars.
    assert [(g.town, g.subtotal) for g in groups] == sorted(
        [("甲镇", Decimal(7000)), ("乙镇", Decimal(3000))]
    )
    by_town = {g.town: [r.station for r in g.rows] for g in groups}
    assert by_town["甲镇"] == ["甲一站", "甲二站"]


def test_the_list_runs_the_same_queries_for_one_or_fifty_stations(django_assert_num_queries):
    rated_stations(1, year=2024)
    set_amounts(year=2024)
    with django_assert_num_queries(3):
        assert len(awards.award_list(2024).rows) == 1
    rated_stations(50)
    set_amounts()
    with django_assert_num_queries(3):
        assert len(awards.award_list(2025).rows) == 50


# --- the lock -------------------------------------------------------------------------------


def test_locking_writes_the_snapshot_and_an_audit_row(county):
    rated_stations(6)
    set_amounts()
    before = awards.award_list(2025)
    assert awards.awards_lock(year=2025, actor=county) is True
    year = AwardYear.objects.get(year=2025)
    assert year.is_locked and year.locked_by == county
    assert AwardLine.objects.filter(award_year=year).count() == 6
    after = awards.award_list(2025)
    assert after.locked and after.total == before.total
    assert [(r.station, r.stars, r.amount) for r in after.rows] == [
        (r.station, r.stars, r.amount) for r in before.rows
    ]
    event = AwardEvent.objects.get(kind=AwardEvent.Kind.LOCKED)
    assert event.after == {"stations": 6, "total": str(before.total)}


def test_locking_twice_changes_nothing(county):
    rated_stations(3)
    set_amounts()
    assert awards.awards_lock(year=2025, actor=county) is True
    locked_at = AwardYear.objects.get().locked_at
    assert awards.awards_lock(year=2025, actor=make_county_staff()) is False
    year = AwardYear.objects.get()
    assert year.locked_at == locked_at and year.locked_by == county
    assert AwardLine.objects.count() == 3
    assert AwardEvent.objects.filter(kind=AwardEvent.Kind.LOCKED).count() == 1


def test_a_year_without_ratings_is_not_locked(county):
    set_amounts()
    with pytest.raises(ValidationError) as refused:
        awards.awards_lock(year=2025, actor=county)
    assert "2025" in " ".join(refused.value.messages)
    assert not AwardYear.objects.get().is_locked and not AwardLine.objects.exists()


def test_a_rated_level_without_an_amount_is_not_locked(county):
    rated_stations(3)  # 5, 4 and 3 stars
    awards.award_levels_set(year=2025, amounts={5: Decimal(1), 4: Decimal(1)}, actor=county)
    with pytest.raises(ValidationError) as refused:
        awards.awards_lock(year=2025, actor=county)
    assert "3" in " ".join(refused.value.messages)
    assert not AwardLine.objects.exists()
    assert not AwardEvent.objects.filter(kind=AwardEvent.Kind.LOCKED).exists()


def test_a_level_nobody_reached_needs_no_amount(county):
    station = make_station()
    rate(station, 5)
    awards.award_levels_set(year=2025, amounts={5: Decimal(800)}, actor=county)
    assert awards.awards_lock(year=2025, actor=county)
    assert awards.award_list(2025).total == Decimal(800)


def test_a_locked_year_refuses_new_amounts(county):
    rated_stations(2)
    set_amounts()
    awards.awards_lock(year=2025, actor=county)
    with pytest.raises(awards.AwardsLocked):
        awards.award_levels_set(year=2025, amounts={**AMOUNTS, 5: Decimal(9)}, actor=county)
    assert AwardLevel.objects.get(stars=5).amount == Decimal(5000)
    assert AwardEvent.objects.filter(kind=AwardEvent.Kind.AMOUNTS_SET).count() == 1


def test_the_snapshot_stays_whatever_happens_to_the_ratings_later(county):
    stations = rated_stations(3)
    set_amounts()
    awards.awards_lock(year=2025, actor=county)
    total = awards.award_list(2025).total
    # Another year's ratings change freely and leave 2025's list alone.
    rate(stations[0], 1, year=2026)
    StationRating.objects.filter(year=2026).update(stars=5)
    # Even a write that goes around every rule (a raw update) leaves the paid list alone.
    StationRating.objects.filter(year=2025).update(stars=1)
    stations[1].name = "改名后的站"
    stations[1].save()
    after = awards.award_list(2025)
    assert after.total == total
    assert "改名后的站" not in {row.station for row in after.rows}


# --- a locked year's ratings ----------------------------------------------------------------


@pytest.fixture
def locked_rating(county):
    station = make_station()
    rating = make_rating(station, year=2025, fraction=0.8)
    set_amounts()
    awards.awards_lock(year=2025, actor=county)
    return rating


def test_a_locked_years_rating_is_not_recomputed(locked_rating):
    with pytest.raises(awards.AwardsLocked):
        services.station_rating_recompute(rating=locked_rating)


def test_the_criteria_task_skips_a_locked_year_and_recomputes_an_open_one(locked_rating):
    other = make_rating(make_station(), year=2026, fraction=0.8)
    StationRating.objects.filter(pk__in=[locked_rating.pk, other.pk]).update(stars=1)
    assert services.station_ratings_recompute_year(year=2025) == 0
    assert services.station_ratings_recompute_year(year=2026) == 1
    locked_rating.refresh_from_db()
    other.refresh_from_db()
    assert (locked_rating.stars, other.stars) == (1, 4)


def test_the_models_clean_refuses_a_locked_years_rating_and_scores(locked_rating):
    with pytest.raises(ValidationError):
        locked_rating.full_clean()
    new = StationRating(station=make_station(), year=2025, rated_on=locked_rating.rated_on)
    with pytest.raises(ValidationError):
        new.full_clean()
    score = locked_rating.scores.first()
    score.score = Decimal(0)
    with pytest.raises(ValidationError):
        score.full_clean()
    # Moving a rating out of the locked year is refused too.
    locked_rating.year = 2026
    with pytest.raises(ValidationError):
        locked_rating.clean()


def test_an_open_years_rating_cleans(locked_rating):
    rating = make_rating(make_station(), year=2026)
    rating.full_clean()
    RatingScore.objects.filter(rating=rating).first().full_clean()


def test_the_recompute_task_after_a_criteria_change_skips_a_locked_year(locked_rating):
    from liaison.tasks import recompute_station_ratings

    StationRating.objects.filter(pk=locked_rating.pk).update(stars=1)
    assert recompute_station_ratings.apply(args=[2025]).get() == 0
    locked_rating.refresh_from_db()
    assert locked_rating.stars == 1


def test_the_history_reads_each_change(county):
    rated_stations(2)
    set_amounts(actor=county)
    awards.awards_lock(year=2025, actor=county)
    locked, amounts = awards.award_events(2025)
    assert locked.kind == AwardEvent.Kind.LOCKED and amounts.kind == AwardEvent.Kind.AMOUNTS_SET
    assert amounts.before_text == "—"
    assert amounts.after_text.startswith("5★ 5000.00 · 4★ 3000.00")
    assert "8000.00" in locked.after_text


@pytest.mark.django_db(transaction=True)
def test_two_staff_locking_at_once_lock_once():
    if connection.vendor == "sqlite":
        # SQLite serialises writers itself; the row lock is measured on PostgreSQL.
        pytest.skip("row locks need PostgreSQL")
    rated_stations(4)
    set_amounts()
    first, second = make_county_staff(), make_county_staff()
    results, errors = [], []
    barrier = threading.Barrier(2)

    def lock(actor):
        try:
            barrier.wait()
            results.append(awards.awards_lock(year=2025, actor=actor))
        except Exception as error:  # noqa: BLE001 - the test reports any failure below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=lock, args=(a,)) for a in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [False, True]
    assert AwardLine.objects.count() == 4
    assert AwardEvent.objects.filter(kind=AwardEvent.Kind.LOCKED).count() == 1
