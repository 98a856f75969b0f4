"""Figures for congress staff: how many concerns, where they stand, how well they were handled.

Pure aggregation over the petitions the user may see (``access.petitions_for_user``): one
grouped scan per table and one scan for the totals and rates (the latest rating is the
concern's own ``rating`` column, kept by the workflow), whatever the number of petitions.
The export (CSV, XLSX) writes the same rows the page shows.

At 100,000 concerns those eight scans take a few hundred milliseconds, and staff open the
page, then export it, then filter it: the figures are cached per scope, filter and day, and
any change to any concern (saved, or an event appended: every transition appends one)
makes every cached figure stale (issue #12). A cache that is down only costs the time.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.roles import roles_for
from petitions import access, rules
from petitions.models import HANDLING_STEPS, RESULT_STEPS, Petition, Step, Survey, Visit

log = logging.getLogger(__name__)
# How long cached figures may live at most, changes or not (a safety net: a change made
# outside the portal, straight in the database, is seen within this time).
CACHE_SECONDS = 15 * 60
GENERATION_KEY = "petitions:statistics:generation"

NOT_SET = _("not classified yet")

# A closing outcome stands once the result is reported; a concern sent back to
# supervising by 不满意 keeps its old outcome field until the next report, so it is not
# counted, and neither is its earlier report in the on-time share.
OUTCOME_STEPS = [*RESULT_STEPS, Step.MERGED]
SATISFIED_RATINGS = [Survey.Rating.SATISFIED, Survey.Rating.BASICALLY]


def may_see_statistics(user) -> bool:
    """Congress staff (county, town or station) who sign in to the administration."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and roles_for(user).is_staff_member
    )


@dataclass(frozen=True)
class Row:
    key: str
    label: object  # a str or a lazy translation
    count: int


@dataclass(frozen=True)
class Table:
    key: str
    title: object
    rows: tuple[Row, ...]

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)

    @property
    def bars(self) -> list[tuple[Row, float]]:
        """Each row with its bar's length, 0–100, the longest row at 100."""
        longest = max((r.count for r in self.rows), default=0)
        return [(r, round(100 * r.count / longest, 1) if longest else 0.0) for r in self.rows]


@dataclass(frozen=True)
class Statistics:
    total: int
    overdue: int
    reported: int
    on_time: int
    surveyed: int
    satisfied: int
    tables: tuple[Table, ...]

    @property
    def on_time_share(self) -> float | None:
        """Reported on or before the deadline, among reported ones; None when none is."""
        return self.on_time / self.reported if self.reported else None

    @property
    def satisfaction_rate(self) -> float | None:
        """满意 + 基本满意 among surveyed concerns, by each one's latest rating."""
        return self.satisfied / self.surveyed if self.surveyed else None


def scoped_petitions(*, user, year: int | None = None, town=None) -> QuerySet:
    """The petitions the figures count: the user's scope, then the optional filters."""
    qs = access.petitions_for_user(user)
    if year is not None:
        qs = qs.filter(created_at__year=year)
    if town is not None:
        qs = qs.filter(town=town)
    # No default ordering: it has no place in a GROUP BY.
    return qs.order_by()


def _choice_table(counts: dict, *, key, title, choices, blank_label=None) -> Table:
    """Every choice, zeros included, in the choices' own order."""
    rows = [Row(value, label, counts.get(value, 0)) for value, label in choices]
    if blank_label is not None and counts.get(""):
        rows.append(Row("", blank_label, counts[""]))
    return Table(key, title, tuple(rows))


def _named_table(counts: dict, *, key, title, unset_label=NOT_SET) -> Table:
    """The related rows that occur ({(id, name): count}), most frequent first; none set
    counted apart."""
    rows, unset = [], 0
    for (pk, name), n in counts.items():
        if pk is None:
            unset += n
        else:
            rows.append(Row(str(pk), name, n))
    rows.sort(key=lambda r: (-r.count, r.label))
    if unset:
        rows.append(Row("", unset_label, unset))
    return Table(key, title, tuple(rows))


# What each table groups by: a column, or an (id, name) pair of a related row.
CHOICE_GROUPS = ("step", "month", "level", "channel", "outcome")
NAMED_GROUPS = ("town", "station", "representative", "category", "unit")


def _by_month(qs: QuerySet) -> QuerySet:
    """``month``: the first day of the month the concern was received in (local time)."""
    return qs.annotate(month=TruncMonth("created_at"))


def _month_key(value):
    """A month as a date, however the database returned it (a raw cursor gives a UTC
    timestamp: its local date is the month's first day)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def concern_flags(today):
    """The per-concern conditions the totals count: the one definition of overdue, reported,
    on time, surveyed, satisfied and a standing outcome, which the public boards
    (petitions/boards.py) and the measured star scores (measures/ratings.py) count by too."""
    reported = Q(step__in=RESULT_STEPS, reported_at__isnull=False, deadline__isnull=False)
    return {
        "is_overdue": Q(step__in=HANDLING_STEPS, deadline__lt=today),
        "is_reported": reported,
        "is_on_time": reported & Q(reported_on__lte=F("deadline")),
        # The latest rating, kept on the concern by workflow.petition_survey.
        "is_surveyed": ~Q(rating=""),
        "is_satisfied": Q(rating__in=SATISFIED_RATINGS),
        # A closing outcome that stands (see OUTCOME_STEPS).
        "has_outcome": Q(step__in=OUTCOME_STEPS, outcome__gt=""),
    }


TOTALS = {
    "total": None,
    "overdue": "is_overdue",
    "reported": "is_reported",
    "on_time": "is_on_time",
    "surveyed": "is_surveyed",
    "satisfied": "is_satisfied",
}


def _count_table_by_table(qs: QuerySet, today) -> tuple[dict, dict]:
    """The totals in one query, then one grouped query per table (any database)."""
    flags = concern_flags(today)
    qs = _by_month(qs)
    totals = qs.annotate(reported_on=TruncDate("reported_at")).aggregate(
        **{
            name: Count("pk", filter=flags[flag]) if flag else Count("pk")
            for name, flag in TOTALS.items()
        }
    )
    counts = {}
    for field in CHOICE_GROUPS:
        rows = qs.filter(flags["has_outcome"]) if field == "outcome" else qs
        counts[field] = {
            row[field]: row["n"] for row in rows.values(field).annotate(n=Count("pk")).order_by()
        }
    counts["month"] = {_month_key(m): n for m, n in counts["month"].items()}
    for relation in NAMED_GROUPS:
        grouped = qs.values(f"{relation}_id", f"{relation}__name").annotate(n=Count("pk"))
        counts[relation] = {
            (row[f"{relation}_id"], row[f"{relation}__name"]): row["n"]
            for row in grouped.order_by()
        }
    return totals, counts


def _count_in_one_scan(qs: QuerySet, today, connection) -> tuple[dict, dict]:
    """The same figures in ONE query on PostgreSQL: the scoped concerns read once, grouped
    by GROUPING SETS (one set per table, and the empty set for the totals), where the
    table-by-table way reads them eight times (issue #12). Django has no GROUPING SETS, so
    the query wraps the ORM's own SQL for the scoped rows (scope, filters, joins and
    parameters exactly as the ORM writes them) and groups it."""
    flags = concern_flags(today)
    inner = (
        _by_month(qs)
        .annotate(reported_on=TruncDate("reported_at"))
        .values(
            *CHOICE_GROUPS,
            *(f"{r}_id" for r in NAMED_GROUPS),
            **{
                name: ExpressionWrapper(q, output_field=BooleanField()) for name, q in flags.items()
            },
        )
    )
    inner_sql, params = inner.query.sql_with_params()
    keys = [*CHOICE_GROUPS, *(f"{r}_id" for r in NAMED_GROUPS)]
    sets = ["()"]
    sets += [f'("{f}")' for f in CHOICE_GROUPS if f != "outcome"]
    sets += ['("has_outcome", "outcome")']
    sets += [f'("{r}_id")' for r in NAMED_GROUPS]
    columns = [*CHOICE_GROUPS, "has_outcome", *(f"{r}_id" for r in NAMED_GROUPS)]
    select = [f'"{c}"' for c in columns]
    select += [f'GROUPING("{k}") AS "g_{k}"' for k in keys]
    select += [
        f'COUNT(*) FILTER (WHERE "{flag}") AS "{name}"' if flag else f'COUNT(*) AS "{name}"'
        for name, flag in TOTALS.items()
    ]
    # Every name in it is a constant of this module and every value a parameter (the ORM's):
    # nothing a user typed is written into the SQL.
    grouping = f"GROUP BY GROUPING SETS ({', '.join(sets)})"
    sql = f"SELECT {', '.join(select)} FROM ({inner_sql}) AS scoped {grouping}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    totals = dict.fromkeys(TOTALS, 0)
    counts = {key: {} for key in (*CHOICE_GROUPS, *NAMED_GROUPS)}
    for row in rows:
        grouped = [k for k in keys if row[f"g_{k}"] == 0]
        if not grouped:
            totals = {name: row[name] for name in TOTALS}
        elif grouped[0] in CHOICE_GROUPS:
            field = grouped[0]
            if field != "outcome" or row["has_outcome"]:
                counts[field][row[field]] = row["total"]
        else:
            relation = grouped[0].removesuffix("_id")
            counts[relation][row[f"{relation}_id"]] = row["total"]
    counts["month"] = {_month_key(m): n for m, n in counts["month"].items()}
    # The names of the towns, stations, representatives, categories and units counted:
    # short look-ups, cheaper than joining every concern to them.
    for relation in NAMED_GROUPS:
        model = Petition._meta.get_field(relation).related_model
        names = dict(model.objects.filter(pk__in=counts[relation]).values_list("pk", "name"))
        counts[relation] = {(pk, names.get(pk)): n for pk, n in counts[relation].items()}
    return totals, counts


def years_of(*, user) -> list[int]:
    """The years the user's figures can be filtered by, newest first: from the year of the
    first concern they may see (one probe of the received index, not a scan of every
    concern's year) to this one."""
    this_year = timezone.localdate().year
    first = scoped_petitions(user=user).aggregate(first=Min("created_at"))["first"]
    first_year = timezone.localtime(first).year if first else this_year
    return list(range(this_year, min(first_year, this_year) - 1, -1))


# --- the cache ---------------------------------------------------------------------------------


def _generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def figures_forget() -> None:
    """Every cached figure is stale from now on."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any fresh value is a new generation
        cache.set(GENERATION_KEY, 1 + int(timezone.now().timestamp()), timeout=None)
    except Exception:  # the cache is down: nothing can be read from it either
        log.warning("statistics cache unreachable: not invalidated")


def figures_changed(**_kwargs) -> None:
    """A concern changed: forget the figures now, and again once the change is committed
    (a page that counted in between, before it was visible, kept the figures of before)."""
    figures_forget()
    transaction.on_commit(figures_forget)


def _cache_key(user, year, town, today) -> str:
    roles = roles_for(user)
    scope = (
        roles.county,
        roles.town_id,
        roles.station_id,
        roles.representative_id,
        sorted(roles.rep_station_ids),
        sorted(roles.unit_ids),
    )
    town_id = town.pk if town is not None else None
    raw = repr((scope, year, town_id, today.isoformat()))
    return f"petitions:statistics:{_generation()}:{hashlib.sha256(raw.encode()).hexdigest()}"


def petition_statistics(
    *, user, year: int | None = None, town=None, today: date | None = None
) -> Statistics:
    """Counts by step, town, level, channel, category, unit and outcome; overdue; on-time
    share; satisfaction rate: from the cache, else eight queries, whatever the number of
    petitions (see the module's docstring)."""
    today = today or timezone.localdate()
    try:
        key = _cache_key(user, year, town, today)
        stats = cache.get(key)
    except Exception:  # the cache is down: count without it
        log.warning("statistics cache unreachable: figures counted without it")
        key = stats = None
    if stats is None:
        stats = count_statistics(user=user, year=year, town=town, today=today)
        if key is not None:
            try:
                cache.set(key, stats, CACHE_SECONDS)
            except Exception:
                log.warning("statistics cache unreachable: figures not kept")
    return stats


def count_statistics(*, user, year: int | None = None, town=None, today: date) -> Statistics:
    """The figures counted in the database, now: on PostgreSQL one scan (GROUPING SETS) and
    the names of what it counted (five short look-ups), elsewhere one query for the totals
    and one per table; and the visits by town."""
    qs = scoped_petitions(user=user, year=year, town=town)
    connection = connections[qs.db]
    visits = _visits_by_town(user=user, year=year, town=town)
    if qs.query.is_empty():
        totals = dict.fromkeys(TOTALS, 0)
        counts = {key: {} for key in (*CHOICE_GROUPS, *NAMED_GROUPS)}
    elif connection.vendor == "postgresql":
        totals, counts = _count_in_one_scan(qs, today, connection)
    else:
        totals, counts = _count_table_by_table(qs, today)
    counts["visits"] = visits
    counts.update(_units_watched(qs))
    return _assemble(totals, counts)


# The extensions and escalations (督办) each unit drew: {table key: (title, what is counted)}.
WATCHED = {
    "extensions": (
        _("Extensions asked, by handling unit"),
        Count("pk", filter=~Q(extension_status="")),
    ),
    "escalations": (
        _("Escalated (督办), by handling unit"),
        Count("pk", filter=Q(escalated_at__isnull=False)),
    ),
    "public_notices": (_("Public notices (通报), by handling unit"), Sum("public_notice_count")),
    "flagged": (
        _("Flagged for the standing committee (挂牌督办), by handling unit"),
        Count("pk", filter=Q(is_flagged=True)),
    ),
}


def _units_watched(qs: QuerySet) -> dict:
    """One grouped query over the concerns with a unit: each WATCHED count per unit."""
    watched = {key: {} for key in WATCHED}
    if qs.query.is_empty():
        return watched
    grouped = (
        qs.filter(unit__isnull=False)
        .values("unit_id", "unit__name")
        .annotate(**{key: counted for key, (_title, counted) in WATCHED.items()})
        .order_by()
    )
    for row in grouped:
        for key in WATCHED:
            if row[key]:
                watched[key][(row["unit_id"], row["unit__name"])] = row[key]
    return watched


def _visits_by_town(*, user, year, town) -> dict:
    """Outreach visits (走访) by town, scoped like the concerns (``rules.visit_scope``)."""
    visits = Visit.objects.filter(rules.visit_scope(roles_for(user)))
    if year is not None:
        visits = visits.filter(date__year=year)
    if town is not None:
        visits = visits.filter(town=town)
    grouped = visits.values("town_id", "town__name").annotate(n=Count("pk")).order_by()
    return {(row["town_id"], row["town__name"]): row["n"] for row in grouped}


def _month_table(counts: dict) -> Table:
    """The concerns received each month, oldest first: the trend."""
    months = sorted((m, n) for m, n in counts.items() if m is not None)
    rows = tuple(Row(f"{m:%Y-%m}", f"{m:%Y-%m}", n) for m, n in months)
    return Table("month", _("By month received"), rows)


def _assemble(totals: dict, counts: dict) -> Statistics:
    tables = (
        _choice_table(counts["step"], key="step", title=_("By step"), choices=Step.choices),
        _month_table(counts["month"]),
        _named_table(counts["town"], key="town", title=_("By town")),
        _named_table(
            counts["station"],
            key="station",
            title=_("By station received at"),
            unset_label=_("not through a station"),
        ),
        _named_table(
            counts["representative"],
            key="representative",
            title=_("By representative"),
            unset_label=_("not addressed to a representative"),
        ),
        _choice_table(
            counts["level"],
            key="level",
            title=_("By level"),
            choices=Petition.Level.choices,
            blank_label=NOT_SET,
        ),
        _choice_table(
            counts["channel"],
            key="channel",
            title=_("By channel"),
            choices=Petition.Channel.choices,
        ),
        _named_table(counts["category"], key="category", title=_("By category")),
        _named_table(
            counts["unit"],
            key="unit",
            title=_("By handling unit"),
            unset_label=_("not assigned"),
        ),
        _choice_table(
            counts["outcome"],
            key="outcome",
            title=_("By closing outcome"),
            choices=Petition.Outcome.choices,
        ),
        _named_table(counts.get("visits", {}), key="visits", title=_("Outreach visits by town")),
        *(
            _named_table(counts.get(key, {}), key=key, title=title)
            for key, (title, _counted) in WATCHED.items()
        ),
    )
    return Statistics(tables=tables, **totals)


# --- export -----------------------------------------------------------------------------------

# A spreadsheet reads a cell that starts with one of these as a formula (CSV injection):
# such cells are written with a leading apostrophe, which makes them plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` safe to put in a spreadsheet cell: text that could start a formula gets a
    leading apostrophe; numbers pass unchanged."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_rows(stats: Statistics, *, year: int | None = None, town=None) -> list[list]:
    """The rows of the CSV and of the XLSX sheet: table, item, number. Shares are numbers
    from 0 to 1 (the XLSX shows them as percentages); a share with nothing to divide is
    empty."""
    everything = str(_("all"))
    summary = str(_("Summary"))
    rows = [
        [str(_("Table")), str(_("Item")), str(_("Number"))],
        [str(_("Filter")), str(_("Year")), str(year) if year else everything],
        [str(_("Filter")), str(_("Town")), town.name if town is not None else everything],
        [summary, str(_("Concerns")), stats.total],
        [summary, str(_("Overdue")), stats.overdue],
        [summary, str(_("Results reported")), stats.reported],
        [summary, str(_("Reported on time")), stats.on_time],
        [summary, str(_("On-time share")), stats.on_time_share],
        [summary, str(_("Rated")), stats.surveyed],
        [summary, str(_("Satisfied or basically satisfied")), stats.satisfied],
        [summary, str(_("Satisfaction rate")), stats.satisfaction_rate],
    ]
    for table in stats.tables:
        rows.extend([str(table.title), str(row.label), row.count] for row in table.rows)
    return [[neutralise(cell) for cell in row] for row in rows]
