"""The county dashboard's figures (issue #14, part 5): the rules, nothing drawn.

Who may see it and what it counts are the statistics' own (``petitions.statistics``): congress
staff (``may_see_statistics``); the concerns they may see (``scoped_petitions``), so county
staff count the county and town staff their town; stations and representatives scoped the
same way (county: all; town: the town's stations and the representatives seated at one; a
station: itself and its representatives).

The figures, each from ONE grouped query whatever the number of rows:

- concerns received by month over the last 12 months (this one included), per step;
- satisfaction by quarter received, the last 4 quarters: (满意 + 基本满意) / surveyed, each
  concern by its latest rating (the concern's ``rating``), read from the same query;
- overdue concerns by handling unit (the statistics' ``is_overdue``: handled, deadline
  passed);
- stations by the stars of their latest rating (``liaison.services.latest_stars_subquery``);
- representatives per level and grade band of this year's approved points total (caps
  applied as the year-end report does: ``points.services``), the bands being the grade
  bands of the year's points table (优秀 / 合格 / 基本合格 / 不合格);
- this year's activities and their results by kind (``measures.activities.results_by_kind``,
  part B's definitions, six queries), for those who may see them (county staff all, town
  staff their town's; station staff see no activity figures there either).

They are cached per scope and day like the statistics: forgotten with them on any change to
a concern (the statistics' generation is part of the key), and on any change to a star
rating or to points data (this module's own generation), at most 15 minutes anyway.
"""

import hashlib
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from liaison.models import Representative, Station, StationMembership
from liaison.roles import roles_for
from liaison.services import latest_stars_subquery
from measures.activities import may_see_activity_results, results_by_kind, town_id_of
from petitions.models import HANDLING_STEPS, Step
from petitions.statistics import (
    CACHE_SECONDS,
    GENERATION_KEY,
    SATISFIED_RATINGS,
    _month_key,
    scoped_petitions,
)
from points import scoring, services
from points.models import PointEntry

log = logging.getLogger(__name__)
DASHBOARD_GENERATION_KEY = "measures:dashboard:generation"
MONTHS = 12
QUARTERS = 4
# A total below every band of the table (the shipped table's lowest band starts at 0, so
# only a negative total, or a table without bands, lands here).
NO_BAND = ""


@dataclass(frozen=True)
class Month:
    first_day: date
    by_step: dict  # step value → concerns received that month, now at that step

    @property
    def total(self) -> int:
        return sum(self.by_step.values())


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1–4
    surveyed: int
    satisfied: int

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The first day after the quarter."""
        return (
            date(self.year + 1, 1, 1)
            if self.number == 4
            else date(self.year, 3 * self.number + 1, 1)
        )

    @property
    def share(self) -> float | None:
        """满意 + 基本满意 among the surveyed; None when none was surveyed."""
        return self.satisfied / self.surveyed if self.surveyed else None


@dataclass(frozen=True)
class UnitOverdue:
    unit_id: int | None
    name: str
    count: int


@dataclass(frozen=True)
class Figures:
    today: date
    months: tuple[Month, ...]
    quarters: tuple[Quarter, ...]
    overdue: tuple[UnitOverdue, ...]
    # stars (1–5) → stations whose latest rating has them; None → stations never rated
    stars: dict
    points_year: int
    bands: tuple[str, ...]  # the grade bands' names, highest first (NO_BAND last if used)
    # level value → {band name → representatives}
    points: dict = field(default_factory=dict)
    # kind → ActivityResults of this year so far; None for who may not see them
    activities: dict | None = None

    @property
    def overdue_total(self) -> int:
        return sum(u.count for u in self.overdue)


# --- the window -------------------------------------------------------------------------------


def first_month(today: date) -> date:
    """The first day of the month 11 months before ``today``'s: 12 months in all."""
    index = today.year * 12 + today.month - 1 - (MONTHS - 1)
    return date(index // 12, index % 12 + 1, 1)


def month_days(today: date) -> list[date]:
    start = first_month(today)
    index = start.year * 12 + start.month - 1
    return [date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(MONTHS)]


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_keys(today: date) -> list[tuple[int, int]]:
    """The last 4 quarters, oldest first, this one included (always inside the 12 months)."""
    year, number = quarter_of(today)
    index = year * 4 + number - 1 - (QUARTERS - 1)
    return [((index + i) // 4, (index + i) % 4 + 1) for i in range(QUARTERS)]


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


# --- the scopes -------------------------------------------------------------------------------


def scoped_stations(user):
    """The active stations ``user``'s figures count (as their concerns: county all, town its
    stations, a station itself)."""
    roles = roles_for(user)
    stations = Station.objects.active()
    if roles.county:
        return stations
    if roles.town_id is not None:
        return stations.filter(town_id=roles.town_id)
    if roles.station_id is not None:
        return stations.filter(pk=roles.station_id)
    return stations.none()


def scoped_representatives(user):
    """The active representatives ``user``'s figures count: county all; town staff those
    seated at one of the town's stations; station staff the station's."""
    roles = roles_for(user)
    reps = Representative.objects.active()
    if roles.county:
        return reps
    if roles.town_id is not None:
        seats = StationMembership.objects.filter(station__town_id=roles.town_id)
    elif roles.station_id is not None:
        seats = StationMembership.objects.filter(station_id=roles.station_id)
    else:
        return reps.none()
    return reps.filter(pk__in=seats.values("representative_id"))


# --- the counts -------------------------------------------------------------------------------


def _concern_counts(user, today: date) -> tuple[tuple[Month, ...], tuple[Quarter, ...]]:
    """One grouped query: per month received and step, the concerns, the surveyed and the
    satisfied; the quarters are added up from the months."""
    days = month_days(today)
    qs = scoped_petitions(user=user).filter(created_at__gte=local_midnight(days[0]))
    by_month: dict = defaultdict(dict)
    surveyed: Counter = Counter()
    satisfied: Counter = Counter()
    if not qs.query.is_empty():
        rows = (
            qs.annotate(month=TruncMonth("created_at"))
            .values("month", "step")
            .annotate(
                n=Count("pk"),
                surveyed=Count("pk", filter=~Q(rating="")),
                satisfied=Count("pk", filter=Q(rating__in=SATISFIED_RATINGS)),
            )
            .order_by()
        )
        for row in rows:
            month = _month_key(row["month"])
            by_month[month][row["step"]] = row["n"]
            surveyed[quarter_of(month)] += row["surveyed"]
            satisfied[quarter_of(month)] += row["satisfied"]
    months = tuple(
        Month(day, {step: by_month[day].get(step, 0) for step in Step.values}) for day in days
    )
    quarters = tuple(
        Quarter(year, number, surveyed[(year, number)], satisfied[(year, number)])
        for year, number in quarter_keys(today)
    )
    return months, quarters


def _overdue_by_unit(user, today: date) -> tuple[UnitOverdue, ...]:
    """Concerns being handled past their deadline (the statistics' ``is_overdue``), per
    unit, most first: one grouped query on the open-deadline index."""
    qs = scoped_petitions(user=user).filter(step__in=HANDLING_STEPS, deadline__lt=today)
    if qs.query.is_empty():
        return ()
    rows = qs.values("unit_id", "unit__name").annotate(n=Count("pk")).order_by()
    units = [UnitOverdue(r["unit_id"], r["unit__name"] or "", r["n"]) for r in rows]
    units.sort(key=lambda u: (-u.count, u.name))
    return tuple(units)


def _stations_by_stars(user) -> dict:
    """stars → active stations whose latest rating has them (None: never rated). One query."""
    found = Counter(
        scoped_stations(user)
        .annotate(stars=latest_stars_subquery())
        .values_list("stars", flat=True)
    )
    counts = {stars: found.get(stars, 0) for stars in range(5, 0, -1)}
    counts[None] = found.get(None, 0)
    return counts


def _approved_items(year: int, in_force: dict[int, int]) -> dict[int, dict[int, int]]:
    """representative id → {rule in force → approved items of ``year``}: one aggregate
    query grouped by rule id (no join), read off the year-end totals' covering index; an
    older row of a code counts under the row in force, an inactive code not at all."""
    rows = (
        PointEntry.objects.filter(year=year, status=PointEntry.Status.APPROVED)
        .values_list("representative_id", "rule_id")
        .annotate(items=Sum("quantity"))
        .order_by()
    )
    items: dict[int, dict[int, int]] = defaultdict(dict)
    for rep_id, rule_id, n in rows:
        rule = in_force.get(rule_id)
        if rule is not None:
            items[rep_id][rule] = items[rep_id].get(rule, 0) + n
    return items


def _points_by_level(user, year: int) -> tuple[tuple[str, ...], dict]:
    """Representatives per level and grade band of their approved points total of ``year``
    (a representative with no entry has 0), caps applied as the year-end report applies
    them. Five small queries: the rules, the caps, the bands, the approved items per
    representative and rule, the representatives."""
    rules, codes = services.rule_table(year)
    in_force = {pk: rules[code].pk for pk, code in codes.items() if code in rules}
    caps = services.category_caps_for_year(year)
    bands = services.grade_bands_for_year(year)
    items = _approved_items(year, in_force)
    scorer = scoring.Scorer(services.scoring_rules(rules), caps)
    table: dict = {level: Counter() for level in Representative.Level.values}
    grades: dict = {}  # per distinct total (a county has few)
    for rep_id, level in scoped_representatives(user).values_list("pk", "level"):
        by_rule = items.get(rep_id)
        total = scoring.total(scorer.category_totals(by_rule)) if by_rule else Decimal("0")
        if total not in grades:
            grades[total] = scoring.grade_for(total, bands) or NO_BAND
        table.setdefault(level, Counter())[grades[total]] += 1
    names = [name for name, _minimum in bands]
    if any(c.get(NO_BAND) for c in table.values()):
        names.append(NO_BAND)
    return tuple(names), {level: dict(c) for level, c in table.items()}


def _activities_this_year(user, today: date) -> dict | None:
    """This year's activities' results by kind, up to ``today``, in the user's town for
    town staff; None for who may not see activity results."""
    if not may_see_activity_results(user):
        return None
    return results_by_kind(start=date(today.year, 1, 1), end=today, town=town_id_of(user))


def count_figures(*, user, today: date) -> Figures:
    """Every figure counted in the database, now (no cache)."""
    months, quarters = _concern_counts(user, today)
    bands, points = _points_by_level(user, today.year)
    return Figures(
        today=today,
        months=months,
        quarters=quarters,
        overdue=_overdue_by_unit(user, today),
        stars=_stations_by_stars(user),
        points_year=today.year,
        bands=bands,
        points=points,
        activities=_activities_this_year(user, today),
    )


# --- the cache --------------------------------------------------------------------------------


def dashboard_forget(**_kwargs) -> None:
    """A star rating or points data changed: every cached dashboard is stale, now and once
    the change is committed (a page counted in between kept the figures of before)."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(DASHBOARD_GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any fresh value is a new generation
        cache.set(DASHBOARD_GENERATION_KEY, 1 + int(timezone.now().timestamp()), timeout=None)
    except Exception:
        log.warning("dashboard cache unreachable: not invalidated")


def _cache_key(user, today: date) -> str:
    roles = roles_for(user)
    scope = (roles.county, roles.town_id, roles.station_id)
    generations = cache.get_many([GENERATION_KEY, DASHBOARD_GENERATION_KEY])
    raw = repr(
        (
            scope,
            today.isoformat(),
            generations.get(GENERATION_KEY),
            generations.get(DASHBOARD_GENERATION_KEY),
        )
    )
    return f"measures:dashboard:{hashlib.sha256(raw.encode()).hexdigest()}"


def dashboard_cached(*, user, build=None, variant: str = "", today: date | None = None):
    """``build(figures)`` (the figures themselves without ``build``) for ``user``: from the
    cache, else counted and built (see the module's docstring). The page caches its charts
    this way, drawn once per scope and day rather than on every request; ``variant`` keeps
    apart what differs beyond the scope (the language). A cache that is down only costs the
    time."""
    today = today or timezone.localdate()
    try:
        key = _cache_key(user, today) + (f":{variant}" if variant else "")
        value = cache.get(key)
    except Exception:
        log.warning("dashboard cache unreachable: figures counted without it")
        key = value = None
    if value is None:
        figures = count_figures(user=user, today=today)
        value = figures if build is None else build(figures)
        if key is not None:
            try:
                cache.set(key, value, CACHE_SECONDS)
            except Exception:
                log.warning("dashboard cache unreachable: figures not kept")
    return value


def dashboard_figures(*, user, today: date | None = None) -> Figures:
    """The dashboard's figures for ``user``, cached (``dashboard_cached``)."""
    return dashboard_cached(user=user, today=today)


def connect_signals() -> None:
    """Forget the cached dashboards on any change to a star rating, to points data (every
    change appends a ``PointAudit`` row) or to the points table (rules, caps, bands), or to
    an activity's records (the activity, its attendance, guests, researched issues and
    followed sites). Concerns need nothing here: the statistics' generation is part of the
    key."""
    from django.db.models.signals import post_delete, post_save

    from liaison.models import Activity, ActivityGuest, StationRating
    from measures.models import FollowedSite, ResearchedIssue
    from points.models import Attendance, CategoryCap, GradeBand, PointAudit, PointRule

    watched = (
        StationRating,
        PointAudit,
        PointRule,
        CategoryCap,
        GradeBand,
        Activity,
        ActivityGuest,
        Attendance,
        ResearchedIssue,
        FollowedSite,
    )
    for model in watched:
        uid = f"measures.dashboard.forget.{model.__name__}"
        post_save.connect(dashboard_forget, sender=model, dispatch_uid=uid)
        post_delete.connect(dashboard_forget, sender=model, dispatch_uid=uid)
