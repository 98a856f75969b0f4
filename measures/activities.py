"""What congress activities produced, counted from the records (issue #14, Build 2).

The seed reports each kind of activity in one sentence (主任接待代表: "接待代表100人次…提出意见
建议129条，对于97条镇级层面解决…对32条需县级层面以上解决"; 代表·局长面对面: "31名负责人…对63个问题
进行解答，现场办理40个，对18个共性问题深入调研、制定解决方案…5个示范点…跟踪督办"; 通报工作: "150多名
县人大代表提出意见建议170多条"). Here every number of those sentences is counted, never typed.

The definitions, written once (every page, export and dashboard reads them from here):

- **activities**: the activities of the kind (or of every kind) dated within [start, end]
  (both days included), not cancelled; with a town, those held at a station of that town;
- **representatives received (人次)**: their ``points.Attendance`` rows whose status is
  *present* (excused and absent do not count);
- **concerns raised (意见建议)**: the petitions whose ``source_activity`` is one of them;
- **solved at town level / sent to the county**: of those, ``level`` town / county;
- **officials present (负责人)**: their ``ActivityGuest`` rows (participants who are not
  representatives);
- **questions answered (解答)**: concerns raised that have a standing closing outcome
  (``petitions.statistics.OUTCOME_STEPS`` with an outcome) or were handled on the spot;
- **handled on the spot (现场办理)**: concerns raised with ``handled_on_the_spot``;
- **common issues researched (共性问题深入调研)**: their ``ResearchedIssue`` rows with a plan;
- **sites followed (示范点跟踪督办)**: their ``FollowedSite`` rows.

Each figure is one grouped query by kind over its own table (six in all, whatever the number
of activities): joining the five tables in one query would multiply rows (attendances ×
concerns × guests…) before counting them.
"""

from dataclasses import dataclass, fields
from datetime import date

from django.db.models import Count, F, Q, QuerySet

from liaison.models import Activity, ActivityGuest
from measures.models import FollowedSite, ResearchedIssue
from petitions.models import Petition
from petitions.statistics import OUTCOME_STEPS
from points.models import Attendance

Kind = Activity.Kind


@dataclass(frozen=True)
class ActivityResults:
    """The figures of a set of activities (see the module's definitions)."""

    activities: int = 0
    attendances: int = 0
    concerns: int = 0
    town_level: int = 0
    county_level: int = 0
    officials: int = 0
    answered: int = 0
    on_the_spot: int = 0
    researched: int = 0
    sites: int = 0

    def __add__(self, other: "ActivityResults") -> "ActivityResults":
        return ActivityResults(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


FIGURES = tuple(f.name for f in fields(ActivityResults))

# A concern raised at an activity counts as answered once a closing outcome stands, or when
# the official present answered it there and then.
ANSWERED = Q(step__in=OUTCOME_STEPS, outcome__gt="") | Q(handled_on_the_spot=True)


def activities_in(
    *, start: date, end: date, kind: str | None = None, town=None
) -> QuerySet[Activity]:
    """The activities the figures count: dated in [start, end], not cancelled, of ``kind``
    (every kind when None), held at a station of ``town`` (a Town or its id) when given."""
    qs = Activity.objects.filter(date__gte=start, date__lte=end, is_cancelled=False)
    if kind:
        qs = qs.filter(kind=kind)
    if town is not None:
        qs = qs.filter(station__town_id=getattr(town, "pk", town))
    return qs


def _grouped(qs: QuerySet, prefix: str, **counts) -> dict[str, dict[str, int]]:
    """``{kind: {name: count}}`` of ``qs`` grouped by its activity's kind, in one query."""
    rows = qs.order_by().values(group=F(f"{prefix}kind")).annotate(**counts)
    return {row.pop("group"): row for row in rows}


def _count(*, start: date, end: date, kind: str | None, town) -> dict[str, ActivityResults]:
    """The figures of each kind that has activities in the period: six queries."""
    acts = activities_in(start=start, end=end, kind=kind, town=town)
    ids = acts.values("pk")
    tables = [
        _grouped(acts, "", activities=Count("pk")),
        _grouped(
            Attendance.objects.filter(activity__in=ids, status=Attendance.Status.PRESENT),
            "activity__",
            attendances=Count("pk"),
        ),
        _grouped(
            Petition.objects.filter(source_activity__in=ids),
            "source_activity__",
            concerns=Count("pk"),
            town_level=Count("pk", filter=Q(level=Petition.Level.TOWN)),
            county_level=Count("pk", filter=Q(level=Petition.Level.COUNTY)),
            answered=Count("pk", filter=ANSWERED),
            on_the_spot=Count("pk", filter=Q(handled_on_the_spot=True)),
        ),
        _grouped(
            ActivityGuest.objects.filter(activity__in=ids), "activity__", officials=Count("pk")
        ),
        _grouped(
            ResearchedIssue.objects.filter(activity__in=ids).exclude(plan=""),
            "activity__",
            researched=Count("pk"),
        ),
        _grouped(FollowedSite.objects.filter(activity__in=ids), "activity__", sites=Count("pk")),
    ]
    merged: dict[str, dict[str, int]] = {}
    for table in tables:
        for k, counts in table.items():
            merged.setdefault(k, {}).update(counts)
    return {k: ActivityResults(**counts) for k, counts in merged.items()}


def activity_results(
    *, start: date, end: date, kind: str | None = None, town=None
) -> ActivityResults:
    """The figures of the activities of ``kind`` (every kind when None) in [start, end],
    optionally of one town, in six queries."""
    total = ActivityResults()
    for results in _count(start=start, end=end, kind=kind, town=town).values():
        total = total + results
    return total


def results_by_kind(*, start: date, end: date, town=None) -> dict[str, ActivityResults]:
    """The figures of every activity kind in [start, end] (zeros for a kind without
    activities), optionally of one town, in six queries."""
    counted = _count(start=start, end=end, kind=None, town=town)
    return {k: counted.get(k, ActivityResults()) for k in Kind.values}
