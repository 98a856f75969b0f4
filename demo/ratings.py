"""Demo star ratings (五成效 from the records, issue #14) for `load_demo`: every active
station rated for last year and for this year through ``measures.ratings.rating_save``: the
measured criteria from the demo's own concerns, key issues, mediations and points, the hand
criteria as the demo county's staff would score them (last year's as ``demo/liaison.py``
typed them). A rating already saved this way (its notes say so) is left alone, so a second
run adds nothing; a year whose awards are locked is left as it is."""

import random
from decimal import Decimal

from django.utils import timezone

from liaison.awards import awards_locked
from liaison.models import RatingScore, Station, StationRating
from measures import ratings

NOTES = "年度星级评选（演示数据；五成效由系统按记录统计）"
# Central stations tend to be better equipped than the newest village points.
BASE = {"central": 0.85, "community": 0.8, "professional": 0.78, "point": 0.65}


def _hand_scores(station, criteria, typed, rng) -> dict:
    scores = {}
    base = BASE.get(station.kind, 0.75)
    for c in criteria:
        if c.pk in typed:
            scores[c.pk] = min(Decimal(c.max_score), typed[c.pk])
            continue
        value = round(c.max_score * rng.uniform(base - 0.15, base + 0.15) * 2) / 2
        scores[c.pk] = Decimal(str(max(0, min(c.max_score, value))))
    return scores


def load(*, county) -> int:
    """Rate the active stations for last year and this year; return how many were rated."""
    this_year = timezone.localdate().year
    criteria = ratings.hand_criteria()
    stations = list(Station.objects.filter(is_active=True).order_by("pk"))
    rated = 0
    for year in (this_year - 1, this_year):
        if awards_locked(year):
            continue
        done = set(
            StationRating.objects.filter(year=year, notes=NOTES).values_list(
                "station_id", flat=True
            )
        )
        typed = {}
        for station_id, criterion_id, score in RatingScore.objects.filter(
            rating__year=year
        ).values_list("rating__station_id", "criterion_id", "score"):
            typed.setdefault(station_id, {})[criterion_id] = score
        for station in stations:
            if station.pk in done:
                continue
            rng = random.Random(f"{year}-{station.pk}")
            ratings.rating_save(
                station=station,
                year=year,
                actor=county,
                hand_scores=_hand_scores(station, criteria, typed.get(station.pk, {}), rng),
                notes=NOTES,
            )
            rated += 1
    return rated
