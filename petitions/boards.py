"""Public accountability boards (五公开, 办理结果公开; issue #14): for a calendar year, per
station, per town and per handling unit, the concerns received, the share solved, the share
answered on time and the satisfaction, on public pages.

The figures are the staff statistics' own (``petitions/statistics.py``): the same
conditions (``concern_flags``, ``OUTCOME_STEPS``, ``SATISFIED_RATINGS``), over every concern
received in the year, as county staff count them (they see every concern; an accusation is
counted like any other: a number names nobody). Only a concern's figures are read, never a
name, a phone number or the text of a concern.

A share is published only where at least ``PUBLIC_BOARD_MIN_SAMPLE`` concerns (10 by
default) back it, so that one or two cases never brand a station; a row received fewer
than that shows "fewer than 10", not its count, for the same reason.

Shares: solved / outcomes (closing outcomes that stand), on time / reported (results
reported against a deadline), satisfied / surveyed (满意 + 基本满意 among those rated, by each
one's latest rating).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from petitions.models import Petition

# The statistics' conditions, which hold OUTCOME_STEPS and SATISFIED_RATINGS: one
# definition of solved, on time and satisfied for staff and public alike.
from petitions.statistics import concern_flags

# What each board groups the concerns by: a relation of the concern.
BY = ("station", "town", "unit")
# The first year a board may be asked for: anything before it, or after this year, or not a
# number, is this year's board (and a random query string cannot fill the cache).
FIRST_YEAR = 2000
COUNTED = ("received", "outcomes", "solved", "reported", "on_time", "surveyed", "satisfied")


@dataclass(frozen=True)
class Share:
    """A share of a row, and whether its sample is big enough to be shown."""

    part: int
    whole: int
    minimum: int

    @property
    def shown(self) -> bool:
        return self.whole >= self.minimum and self.whole > 0

    @property
    def value(self) -> float | None:
        """From 0 to 1; None when it is not shown."""
        return self.part / self.whole if self.shown else None

    @property
    def percent(self) -> int | None:
        """The share in whole per cent (rounded half up), for the page; None when hidden."""
        return int(100 * self.part / self.whole + 0.5) if self.shown else None


@dataclass(frozen=True)
class BoardRow:
    id: int | None
    name: str
    received: int
    outcomes: int
    solved: int
    reported: int
    on_time: int
    surveyed: int
    satisfied: int
    minimum: int = 10

    @property
    def received_shown(self) -> bool:
        """The count of a row below the minimum is not published either."""
        return self.received >= self.minimum

    @property
    def solved_share(self) -> Share:
        return Share(self.solved, self.outcomes, self.minimum)

    @property
    def on_time_share(self) -> Share:
        return Share(self.on_time, self.reported, self.minimum)

    @property
    def satisfaction(self) -> Share:
        return Share(self.satisfied, self.surveyed, self.minimum)


def minimum_sample() -> int:
    """At least 1: a minimum of 0 would divide by nothing."""
    return max(1, settings.PUBLIC_BOARD_MIN_SAMPLE)


def _counts(today) -> dict:
    """The figures of a row, each a COUNT over the statistics' own conditions."""
    flags = concern_flags(today)
    return {
        "received": Count("pk"),
        "outcomes": Count("pk", filter=flags["has_outcome"]),
        "solved": Count("pk", filter=flags["has_outcome"] & Q(outcome=Petition.Outcome.SOLVED)),
        "reported": Count("pk", filter=flags["is_reported"]),
        "on_time": Count("pk", filter=flags["is_on_time"]),
        "surveyed": Count("pk", filter=flags["is_surveyed"]),
        "satisfied": Count("pk", filter=flags["is_satisfied"]),
    }


def _of_year(year: int) -> QuerySet:
    """The concerns received in ``year`` (local time, as the staff statistics filter them),
    with the day each result was reported, which the on-time condition compares."""
    return (
        Petition.objects.filter(created_at__year=year)
        .alias(reported_on=TruncDate("reported_at"))
        .order_by()
    )


def board_figures(*, year: int, by: str, town_id: int | None = None) -> list[BoardRow]:
    """One row per station, town or unit (``by``) that received concerns in ``year``, in
    ONE grouped query, by name; concerns without one (not through a station, not classified,
    not assigned) are in no row. ``town_id`` keeps the stations of one town (or that town's
    own row on the towns' board)."""
    if by not in BY or (by == "unit" and town_id is not None):
        raise ValueError(f"a board is by one of {BY} (the units' of the whole county), not {by!r}")
    minimum = minimum_sample()
    qs = _of_year(year).filter(**{f"{by}__isnull": False})
    if town_id is not None:
        qs = qs.filter(station__town_id=town_id) if by == "station" else qs.filter(town_id=town_id)
    grouped = qs.values(f"{by}_id", f"{by}__name").annotate(**_counts(timezone.localdate()))
    rows = [
        BoardRow(
            id=row[f"{by}_id"],
            name=row[f"{by}__name"],
            minimum=minimum,
            **{name: row[name] for name in COUNTED},
        )
        for row in grouped.order_by()
    ]
    rows.sort(key=lambda r: (r.name, r.id))
    return rows


def county_figures(*, year: int) -> BoardRow:
    """The whole county's row: every concern received in ``year``, one query."""
    totals = _of_year(year).aggregate(**_counts(timezone.localdate()))
    return BoardRow(id=None, name="", minimum=minimum_sample(), **totals)


def board_years() -> list[int]:
    """The years a board can show, newest first: this year back to the first concern's
    (one probe of the received index)."""
    this_year = timezone.localdate().year
    first = Petition.objects.aggregate(first=Min("created_at"))["first"]
    first_year = timezone.localtime(first).year if first else this_year
    return list(range(this_year, min(max(first_year, FIRST_YEAR), this_year) - 1, -1))


def board_year(raw) -> int:
    """The year asked for in a query string, or this year for anything else (not a number,
    before FIRST_YEAR, in the future): a normal page, whatever was typed."""
    this_year = timezone.localdate().year
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) == 4:
        year = int(raw)
        if FIRST_YEAR <= year <= this_year:
            return year
    return this_year
