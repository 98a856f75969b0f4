"""Demo awards by stars (以奖代补, issue #14) for `load_demo`: last year's amounts set and the
year locked, as the finance office paid it; this year's amounts set, still open. Saved through
``liaison.awards`` as county staff would; a second run changes nothing.

Runs after every part that rates stations (demo/ratings.py rates last year too): once last
year is locked, its ratings no longer change. Depends on no other part: when last year has no
rating yet, a few stations are rated here directly."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from liaison import awards
from liaison.models import Station, StationRating

# Yuan per station, by star level: the county's invented figures.
LAST_YEAR_AMOUNTS = {5: 20000, 4: 15000, 3: 10000, 2: 5000, 1: 2000}
THIS_YEAR_AMOUNTS = {5: 30000, 4: 20000, 3: 12000, 2: 6000, 1: 3000}


def _ensure_ratings(year: int) -> None:
    """Some stations rated in ``year`` when nobody rated any (a fallback, 1–5 stars)."""
    if StationRating.objects.filter(year=year).exists():
        return
    stations = Station.objects.filter(is_active=True).order_by("town__name", "name")[:10]
    for index, station in enumerate(stations):
        StationRating.objects.get_or_create(
            station=station,
            year=year,
            defaults={
                "stars": 5 - index % 5,
                "rated_on": date(year, 12, 20),
                "notes": "年度星级评选（演示数据）",
            },
        )


def _amounts(table: dict) -> dict:
    return {stars: Decimal(amount) for stars, amount in table.items()}


def load(*, county) -> int:
    """Set and lock last year's awards, set this year's; returns the number of changes."""
    this_year = timezone.localdate().year
    last_year = this_year - 1
    changes = 0
    if not awards.awards_locked(last_year):
        _ensure_ratings(last_year)
        changes += awards.award_levels_set(
            year=last_year, amounts=_amounts(LAST_YEAR_AMOUNTS), actor=county
        )
        changes += int(awards.awards_lock(year=last_year, actor=county))
    if not awards.awards_locked(this_year):
        changes += awards.award_levels_set(
            year=this_year, amounts=_amounts(THIS_YEAR_AMOUNTS), actor=county
        )
    return changes
