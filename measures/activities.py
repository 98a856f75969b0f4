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

from dataclasses import asdict, dataclass, fields
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.models import Activity, ActivityGuest
from liaison.roles import roles_for
from measures.models import FollowedSite, ResearchedIssue
from petitions.models import Petition
from petitions.statistics import OUTCOME_STEPS, may_see_statistics, neutralise
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


def _grouped(qs: QuerySet, prefix: str, by: str, **counts) -> dict:
    """``{key: {name: count}}`` of ``qs`` grouped by its activity's ``by`` (kind or pk), in
    one query."""
    rows = qs.order_by().values(group=F(f"{prefix}{by}")).annotate(**counts)
    return {row.pop("group"): row for row in rows}


def _count(acts: QuerySet[Activity], *, by: str) -> dict:
    """The figures of ``acts`` per kind or per activity (``by``), six queries."""
    ids = acts.values("pk")
    tables = [
        _grouped(acts, "", by, activities=Count("pk")),
        _grouped(
            Attendance.objects.filter(activity__in=ids, status=Attendance.Status.PRESENT),
            "activity__",
            by,
            attendances=Count("pk"),
        ),
        _grouped(
            Petition.objects.filter(source_activity__in=ids),
            "source_activity__",
            by,
            concerns=Count("pk"),
            town_level=Count("pk", filter=Q(level=Petition.Level.TOWN)),
            county_level=Count("pk", filter=Q(level=Petition.Level.COUNTY)),
            answered=Count("pk", filter=ANSWERED),
            on_the_spot=Count("pk", filter=Q(handled_on_the_spot=True)),
        ),
        _grouped(
            ActivityGuest.objects.filter(activity__in=ids), "activity__", by, officials=Count("pk")
        ),
        _grouped(
            ResearchedIssue.objects.filter(activity__in=ids).exclude(plan=""),
            "activity__",
            by,
            researched=Count("pk"),
        ),
        _grouped(
            FollowedSite.objects.filter(activity__in=ids), "activity__", by, sites=Count("pk")
        ),
    ]
    merged: dict = {}
    for table in tables:
        for key, counts in table.items():
            merged.setdefault(key, {}).update(counts)
    return {key: ActivityResults(**counts) for key, counts in merged.items()}


def activity_results(
    *, start: date, end: date, kind: str | None = None, town=None
) -> ActivityResults:
    """The figures of the activities of ``kind`` (every kind when None) in [start, end],
    optionally of one town, in six queries."""
    acts = activities_in(start=start, end=end, kind=kind, town=town)
    return sum(_count(acts, by="kind").values(), ActivityResults())


def results_by_kind(*, start: date, end: date, town=None) -> dict[str, ActivityResults]:
    """The figures of every activity kind in [start, end] (zeros for a kind without
    activities), optionally of one town, in six queries."""
    counted = _count(activities_in(start=start, end=end, town=town), by="kind")
    return {k: counted.get(k, ActivityResults()) for k in Kind.values}


def results_by_activity(acts: QuerySet[Activity]) -> dict[int, ActivityResults]:
    """The figures of each activity of ``acts`` (cancelled or not: the caller chose them),
    by its id, in six queries."""
    return _count(acts, by="pk")


# --- the seed's sentences ------------------------------------------------------------------------

# Each kind's sentence as the seed writes it, its numbers named (the Chinese is the
# translation); a kind the seed does not report, or every kind at once, gets the generic one.
SENTENCES = {
    Kind.DIRECTOR_RECEPTION: gettext_lazy(
        "%(attendances)s representatives received (person-times), %(concerns)s suggestions "
        "collected: %(town_level)s solved at town level, %(county_level)s sent to the county."
    ),
    Kind.FACE_TO_FACE: gettext_lazy(
        "%(officials)s officials answered %(answered)s questions, %(on_the_spot)s of them on "
        "the spot; %(researched)s common issues researched with a plan; %(sites)s "
        "demonstration sites followed."
    ),
    Kind.BRIEFING: gettext_lazy(
        "%(attendances)s representatives attended and raised %(concerns)s suggestions."
    ),
}
GENERIC_SENTENCE = gettext_lazy(
    "%(activities)s activities, %(attendances)s representatives present (person-times), "
    "%(concerns)s suggestions raised."
)

# The figures' names, in the order of the page's table and of the export.
FIGURE_LABELS = {
    "activities": gettext_lazy("Activities"),
    "attendances": gettext_lazy("Representatives received (person-times)"),
    "concerns": gettext_lazy("Suggestions and concerns raised"),
    "town_level": gettext_lazy("Solved at town level"),
    "county_level": gettext_lazy("Sent to the county"),
    "officials": gettext_lazy("Officials present"),
    "answered": gettext_lazy("Questions answered"),
    "on_the_spot": gettext_lazy("Handled on the spot"),
    "researched": gettext_lazy("Common issues researched with a plan"),
    "sites": gettext_lazy("Demonstration sites followed"),
}


def results_sentence(results: ActivityResults, kind: str | None = None) -> str:
    """The seed's sentence for ``kind``, filled with ``results``."""
    return str(SENTENCES.get(kind, GENERIC_SENTENCE)) % asdict(results)


def half_year(day: date | None = None) -> tuple[date, date]:
    """The half-year ``day`` (today by default) falls in: the page's default period."""
    day = day or timezone.localdate()
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year, 7, 1), date(day.year, 12, 31)


def export_rows(
    results: ActivityResults, *, start: date, end: date, kind: str | None, town=None
) -> list[list]:
    """The rows of the CSV and of the XLSX sheet: filters, the sentence, then each figure.
    Text is neutralised (a title or town can never run as a formula)."""
    everything = _("all")
    rows = [
        [_("Item"), _("Number")],
        [_("Kind"), Kind(kind).label if kind else everything],
        [_("From"), start.isoformat()],
        [_("To"), end.isoformat()],
        [_("Town"), town.name if town is not None else everything],
        [_("Sentence"), results_sentence(results, kind)],
        *[[label, getattr(results, name)] for name, label in FIGURE_LABELS.items()],
    ]
    return [[neutralise(str(c)) if not isinstance(c, int) else c for c in r] for r in rows]


# --- who may see what ----------------------------------------------------------------------------


def may_see_activity_results(user) -> bool:
    """County congress staff (every activity) and town staff (their town's), signed in to
    the administration; station staff and everyone else do not."""
    roles = roles_for(user)
    return may_see_statistics(user) and (roles.county or roles.town_id is not None)


def town_id_of(user) -> int | None:
    """The one town whose activities ``user`` may see; None for county staff (all)."""
    roles = roles_for(user)
    return None if roles.county else roles.town_id


def activities_for_user(user) -> QuerySet[Activity]:
    """Every activity ``user`` may see the results of: none unless
    ``may_see_activity_results``; town staff those held at a station of their town."""
    if not may_see_activity_results(user):
        return Activity.objects.none()
    town_id = town_id_of(user)
    qs = Activity.objects.all()
    return qs if town_id is None else qs.filter(station__town_id=town_id)


def get_activity_for_user(user, pk) -> Activity:
    """The activity ``pk`` if ``user`` may see its results; 404 otherwise, whatever the id."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    activity = activities_for_user(user).select_related("station__town").filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity
