"""The liaison app's business rules: star bands, rating totals, phone masking, QR rotation."""

import re
from datetime import date
from decimal import Decimal

import pytest

from liaison import privacy, services
from liaison.models import (
    RatingCriterion,
    RatingScore,
    Representative,
    RetiredQrToken,
    Station,
    StationRating,
)
from tests.base import ensure_default_criteria, make_representative, make_station

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_criteria():
    # A transactional test elsewhere may have flushed the data migration's criteria.
    ensure_default_criteria()


URL_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")


# --- stars_for_score -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "stars"),
    [
        ("100", 5),
        ("90", 5),
        ("89.9", 4),
        ("80", 4),
        ("79.9", 3),
        ("70", 3),
        ("69.9", 2),
        ("60", 2),
        ("59.9", 1),
        ("0", 1),
    ],
)
def test_it_gives_stars_by_the_share_of_a_maximum_of_100(total, stars):
    assert services.stars_for_score(total=Decimal(total), max_total=Decimal(100)) == stars


@pytest.mark.parametrize(
    ("total", "stars"),
    [
        # A maximum of 40: 90 % is 36, 80 % is 32, 70 % is 28, 60 % is 24.
        ("36", 5),
        ("35.9", 4),
        ("32", 4),
        ("31.9", 3),
        ("28", 3),
        ("27.9", 2),
        ("24", 2),
        ("23.9", 1),
    ],
)
def test_it_uses_percentages_so_the_bands_follow_any_maximum(total, stars):
    assert services.stars_for_score(total=Decimal(total), max_total=Decimal(40)) == stars


def test_it_gives_five_stars_exactly_at_ninety_percent_of_an_awkward_maximum():
    # 2.7 of 3 is exactly 90 %: no rounding error may cost the station its fifth star.
    assert services.stars_for_score(total=Decimal("2.7"), max_total=Decimal(3)) == 5
    assert services.stars_for_score(total=Decimal("2.6"), max_total=Decimal(3)) == 4


@pytest.mark.parametrize("max_total", [Decimal(0), Decimal("-5"), None])
def test_it_gives_one_star_when_there_is_no_maximum(max_total):
    assert services.stars_for_score(total=Decimal(50), max_total=max_total) == 1


def test_it_reads_the_bands_from_settings(settings):
    settings.STATION_STAR_THRESHOLDS = (95, 85, 75, 65)
    assert services.stars_for_score(total=Decimal(94), max_total=Decimal(100)) == 4
    assert services.stars_for_score(total=Decimal(95), max_total=Decimal(100)) == 5
    assert services.stars_for_score(total=Decimal(64), max_total=Decimal(100)) == 1


def test_it_accepts_explicit_thresholds():
    thresholds = (50, 40, 30, 20)
    assert (
        services.stars_for_score(total=Decimal(50), max_total=Decimal(100), thresholds=thresholds)
        == 5
    )
    assert (
        services.stars_for_score(total=Decimal(19), max_total=Decimal(100), thresholds=thresholds)
        == 1
    )


# --- station_rating_recompute -----------------------------------------------------------


def _rating(station=None, year=2025):
    return StationRating.objects.create(
        station=station or make_station(), year=year, rated_on=date(year, 12, 1)
    )


def test_it_starts_from_the_default_five_by_five_criteria_and_two_measured_ones():
    # 25 shipped checks worth 100, and issue #14's key issues and mediations (4 each).
    active = RatingCriterion.objects.filter(is_active=True)
    assert active.count() == 27
    assert sum(c.max_score for c in active) == 108


def test_it_sums_the_scores_and_the_maximum_of_every_active_criterion():
    rating = _rating()
    criteria = list(RatingCriterion.objects.filter(is_active=True)[:3])
    for criterion, score in zip(criteria, ["4", "3.5", "2"], strict=True):
        RatingScore.objects.create(rating=rating, criterion=criterion, score=Decimal(score))

    rating = services.station_rating_recompute(rating=rating)

    assert rating.total == Decimal("9.5")
    # Unscored active criteria still count towards the maximum.
    assert rating.max_total == Decimal(108)
    assert rating.stars == 1
    rating.refresh_from_db()
    assert (rating.total, rating.max_total, rating.stars) == (Decimal("9.5"), Decimal(108), 1)


def test_it_counts_only_active_criteria_in_the_maximum():
    RatingCriterion.objects.filter(group=RatingCriterion.Group.FIVE_RESULTS).update(is_active=False)
    rating = _rating()
    for criterion in RatingCriterion.objects.filter(is_active=True):
        RatingScore.objects.create(rating=rating, criterion=criterion, score=criterion.max_score)

    rating = services.station_rating_recompute(rating=rating)

    assert rating.max_total == Decimal(80)
    assert rating.total == Decimal(80)
    assert rating.stars == 5


def test_it_ignores_the_score_of_an_inactive_criterion():
    rating = _rating()
    retired = RatingCriterion.objects.get(code="results-points")
    for criterion in RatingCriterion.objects.all():
        # Everything at 70 %, except the retired check which scored full marks.
        score = criterion.max_score if criterion == retired else criterion.max_score * 0.7
        RatingScore.objects.create(
            rating=rating, criterion=criterion, score=Decimal(str(round(score, 1)))
        )
    before = services.station_rating_recompute(rating=rating)
    assert before.total == Decimal("76.8")  # 26 × 2.8 + 4

    retired.is_active = False
    retired.save()
    after = services.station_rating_recompute(rating=rating)

    assert after.total == Decimal("72.8")  # 26 × 2.8
    assert after.max_total == Decimal(104)
    assert after.stars == 3  # exactly 70 %


def test_it_gives_a_rating_without_scores_zero_and_one_star():
    rating = services.station_rating_recompute(rating=_rating())
    assert rating.total == 0
    assert rating.max_total == Decimal(108)
    assert rating.stars == 1


def test_it_gives_one_star_when_no_criterion_is_active():
    RatingCriterion.objects.update(is_active=False)
    rating = services.station_rating_recompute(rating=_rating())
    assert rating.max_total == 0
    assert rating.stars == 1


def test_it_recomputes_every_rating_of_a_year_and_leaves_other_years_alone():
    station = make_station()
    this_year, last_year = _rating(station, 2025), _rating(station, 2024)
    for rating in (this_year, last_year):
        for criterion in RatingCriterion.objects.all():
            RatingScore.objects.create(
                rating=rating, criterion=criterion, score=criterion.max_score
            )

    assert services.station_ratings_recompute_year(year=2025) == 1

    this_year.refresh_from_db()
    last_year.refresh_from_db()
    assert (this_year.total, this_year.stars) == (Decimal(108), 5)
    assert (last_year.total, last_year.stars) == (0, 1)


# --- mask_phone ---------------------------------------------------------------------------


def test_it_masks_the_middle_four_digits_of_a_mobile():
    assert privacy.mask_phone("13812341234") == "138****1234"


def test_it_masks_nothing_into_nothing():
    assert privacy.mask_phone("") == ""
    assert privacy.mask_phone(None) == ""
    assert privacy.mask_phone("   ") == ""


def test_it_strips_surrounding_spaces_before_masking():
    assert privacy.mask_phone(" 13812341234 ") == "138****1234"


@pytest.mark.parametrize("short", ["1", "123", "123456", "1234567"])
def test_it_hides_a_short_number_completely(short):
    assert privacy.mask_phone(short) == "****"


@pytest.mark.parametrize(
    ("number", "masked"),
    [("12345678", "12****78"), ("0914432100", "09****00"), ("091443210", "09****10")],
)
def test_it_keeps_two_digits_at_each_end_of_a_landline(number, masked):
    assert privacy.mask_phone(number) == masked


@pytest.mark.parametrize("length", range(1, 11))
def test_it_hides_at_least_half_of_any_number_shorter_than_a_mobile(length):
    number = "".join(str(i % 10) for i in range(1, length + 1))
    shown = re.sub(r"\D", "", privacy.mask_phone(number))
    assert len(shown) * 2 <= length
    assert shown != number


def test_it_shows_a_representatives_masked_mobile_through_the_model():
    rep = make_representative(mobile="13987654321")
    assert rep.masked_mobile == "139****4321"
    assert make_representative(mobile="").masked_mobile == ""


# --- QR token rotation ---------------------------------------------------------------------


def _assert_is_a_strong_token(token):
    assert len(token) >= 32  # 24 random bytes: at least 128 bits, URL-safe base64
    assert URL_SAFE.match(token)


def test_it_gives_new_objects_strong_distinct_tokens():
    reps = [make_representative() for _ in range(5)]
    stations = [make_station() for _ in range(5)]
    tokens = [o.qr_token for o in reps + stations]
    for token in tokens:
        _assert_is_a_strong_token(token)
    assert len(set(tokens)) == len(tokens)


def test_it_gives_a_representative_a_new_strong_token_and_retires_the_old_one():
    rep = make_representative()
    old = rep.qr_token

    rotated = services.representative_rotate_qr_token(representative=rep)

    assert rotated.qr_token != old
    _assert_is_a_strong_token(rotated.qr_token)
    assert Representative.objects.get(pk=rep.pk).qr_token == rotated.qr_token
    retired = RetiredQrToken.objects.get(token=old)
    assert retired.kind == RetiredQrToken.Kind.REPRESENTATIVE
    assert not Representative.objects.filter(qr_token=old).exists()


def test_it_gives_a_station_a_new_strong_token_and_retires_the_old_one():
    station = make_station()
    old = station.qr_token

    rotated = services.station_rotate_qr_token(station=station)

    assert rotated.qr_token != old
    _assert_is_a_strong_token(rotated.qr_token)
    assert Station.objects.get(pk=station.pk).qr_token == rotated.qr_token
    retired = RetiredQrToken.objects.get(token=old)
    assert retired.kind == RetiredQrToken.Kind.STATION
    assert not Station.objects.filter(qr_token=old).exists()


def test_it_keeps_every_retired_token_when_rotating_repeatedly():
    rep = make_representative()
    seen = [rep.qr_token]
    for _ in range(3):
        rep = services.representative_rotate_qr_token(representative=rep)
        seen.append(rep.qr_token)
    assert len(set(seen)) == 4
    assert set(RetiredQrToken.objects.values_list("token", flat=True)) == set(seen[:3])


def test_it_keeps_no_link_from_a_retired_token_to_its_owner():
    # Only the token, its kind and the date: no foreign key, no name, nothing to join on.
    fields = {f.name for f in RetiredQrToken._meta.get_fields()}
    assert fields == {"id", "token", "kind", "retired_at"}
    assert not any(f.is_relation for f in RetiredQrToken._meta.get_fields())

    rep = make_representative(name="独特姓名", mobile="13987654321")
    services.representative_rotate_qr_token(representative=rep)
    retired = RetiredQrToken.objects.get()
    assert "独特姓名" not in str(retired)
