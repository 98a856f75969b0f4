"""Helpers of the awards' tests (以奖代补): rated stations in towns, amounts, a lock."""

from datetime import date
from decimal import Decimal

from liaison import awards
from liaison.models import StationRating
from tests.base import make_station, make_town

AMOUNTS = {
    5: Decimal("5000"),
    4: Decimal("3000"),
    3: Decimal("2000"),
    2: Decimal("1000"),
    1: Decimal("500"),
}


def rate(station, stars, year=2025):
    """A rating with ``stars`` set directly: the awards read the stars, not the scores."""
    return StationRating.objects.create(
        station=station, year=year, stars=stars, rated_on=date(year, 12, 1)
    )


def rated_stations(count, *, year=2025, towns=2):
    """``count`` stations spread over ``towns`` towns, rated 5, 4, 3, 2, 1, 5, … stars."""
    made = [make_town() for _ in range(towns)]
    stations = []
    for index in range(count):
        station = make_station(town=made[index % towns])
        rate(station, 5 - index % 5, year)
        stations.append(station)
    return stations


def set_amounts(year=2025, actor=None, overrides=None):
    amounts = {**AMOUNTS, **(overrides or {})}
    return awards.award_levels_set(year=year, amounts=amounts, actor=actor)
