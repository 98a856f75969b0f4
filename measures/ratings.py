"""五成效 from the records (issue #14, part A): the rules, written once.

Each ACTIVE criterion marked ``is_measured`` is computed from the calendar year's records,
identified by its ``code``; the others are scored by hand. ``measure_stations`` measures
many stations in a constant number of queries (criteria, concerns, key issues, mediations,
memberships, the points table and the approved points: eight, whatever the number of
stations or records); ``rating_save`` writes a rating (hand and measured scores), its total
and stars, and its audit row; ``stations_for_viewer`` and ``may_rate`` say who sees and
rates what.

Formulas (``max`` is the criterion's maximum score; a score has one decimal, 0..max):
- results-received: max × min(1, received ÷ RATING_RECEIVED_TARGET)
- results-resolved: max × solved ÷ concerns with a standing closing outcome
- results-on-time: max × reported on time ÷ reported
- results-satisfaction: max × (满意 + 基本满意) ÷ surveyed (each concern's latest rating)
- results-points: max × min(1, members' average approved points ÷ RATING_POINTS_TARGET)
- results-key-issues: max × min(1, key issues solved ÷ RATING_KEY_ISSUES_TARGET)
- results-mediation: max × mediations closed with an agreement ÷ mediations closed
A share with nothing to divide scores 0 and says "no data". The definitions of solved,
reported, on time and satisfied are those of the staff statistics (petitions/statistics.py).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyissues.models import KeyIssue
from liaison import services as liaison_services
from liaison.awards import ensure_year_open
from liaison.models import (
    RatingCriterion,
    RatingScore,
    Station,
    StationMembership,
    StationRating,
)
from liaison.roles import roles_for
from mediation.models import Mediation
from petitions.models import Petition

# The staff statistics' own per-concern conditions (solved, reported, on time, satisfied):
# one definition for both.
from petitions.statistics import concern_flags
from points import scoring
from points.services.table import (
    category_caps_for_year,
    counts_by_representative,
    rules_for_year,
    scoring_rules,
)

ZERO = Decimal("0")
TENTH = Decimal("0.1")

RECEIVED = "results-received"
RESOLVED = "results-resolved"
ON_TIME = "results-on-time"
SATISFACTION = "results-satisfaction"
POINTS = "results-points"
KEY_ISSUES = "results-key-issues"
MEDIATION = "results-mediation"
MEASURED_CODES = (RECEIVED, RESOLVED, ON_TIME, SATISFACTION, POINTS, KEY_ISSUES, MEDIATION)


@dataclass(frozen=True)
class Measurement:
    """One measured criterion of one station's year: what it was computed from and how."""

    criterion: RatingCriterion
    inputs: tuple[tuple[object, object], ...]  # (label, number)
    formula: object  # readable text
    score: Decimal
    no_data: bool = False


def _one_decimal(value) -> Decimal:
    return Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP)


def _capped(max_score, n, target) -> Decimal:
    """max × min(1, n ÷ target)."""
    if not target or target <= 0:
        return ZERO
    return _one_decimal(Decimal(max_score) * min(Decimal(1), Decimal(n) / Decimal(target)))


def _share(max_score, part, whole) -> Decimal:
    """max × part ÷ whole; 0 with nothing to divide."""
    if not whole:
        return ZERO
    return _one_decimal(Decimal(max_score) * Decimal(part) / Decimal(whole))


def measured_criteria() -> list[RatingCriterion]:
    """The active measured criteria this module knows how to measure, in order (one query)."""
    return list(
        RatingCriterion.objects.filter(
            is_active=True, is_measured=True, code__in=MEASURED_CODES
        ).order_by("order", "code")
    )


# --- the year's figures, per station, in bulk ----------------------------------------------------


def _concern_counts(station_ids, year) -> dict:
    """station id → received, with_outcome, solved, reported, on_time, surveyed, satisfied."""
    flags = concern_flags(timezone.localdate())
    rows = (
        Petition.objects.filter(station_id__in=station_ids, created_at__year=year)
        .annotate(reported_on=TruncDate("reported_at"))
        .order_by()
        .values("station_id")
        .annotate(
            received=Count("pk"),
            with_outcome=Count("pk", filter=flags["has_outcome"]),
            solved=Count("pk", filter=flags["has_outcome"] & Q(outcome=Petition.Outcome.SOLVED)),
            reported=Count("pk", filter=flags["is_reported"]),
            on_time=Count("pk", filter=flags["is_on_time"]),
            surveyed=Count("pk", filter=flags["is_surveyed"]),
            satisfied=Count("pk", filter=flags["is_satisfied"]),
        )
    )
    return {row.pop("station_id"): row for row in rows}


def _key_issue_counts(station_ids, year) -> dict:
    rows = (
        KeyIssue.objects.filter(station_id__in=station_ids, year=year, state=KeyIssue.State.SOLVED)
        .order_by()
        .values("station_id")
        .annotate(n=Count("pk"))
    )
    return {row["station_id"]: row["n"] for row in rows}


def _mediation_counts(station_ids, year) -> dict:
    rows = (
        Mediation.objects.filter(
            station_id__in=station_ids,
            status=Mediation.Status.CLOSED,
            closed_at__year=year,
        )
        .order_by()
        .values("station_id")
        .annotate(
            closed=Count("pk"),
            success=Count("pk", filter=Q(outcome=Mediation.Outcome.SUCCESS)),
        )
    )
    return {row.pop("station_id"): row for row in rows}


def _points_averages(station_ids, year) -> dict:
    """station id → (members, their average year total of approved points): the points
    table in force (rules, caps) and every member's approved items in three queries."""
    members = defaultdict(set)
    for station_id, rep_id in (
        StationMembership.objects.filter(station_id__in=station_ids, representative__is_active=True)
        .order_by()
        .values_list("station_id", "representative_id")
    ):
        members[station_id].add(rep_id)
    rep_ids = set().union(*members.values()) if members else set()
    if not rep_ids:
        return {}
    rules = rules_for_year(year)
    caps = category_caps_for_year(year)
    scorer = scoring.Scorer(scoring_rules(rules), caps)
    totals = {}
    for rep_id, by_code in counts_by_representative(year, rep_ids).items():
        by_id = {rules[code].pk: n for code, n in by_code.items() if code in rules}
        totals[rep_id] = scoring.total(scorer.category_totals(by_id))
    averages = {}
    for station_id, reps in members.items():
        total = sum((totals.get(r, ZERO) for r in reps), ZERO)
        averages[station_id] = (len(reps), _one_decimal(total / len(reps)))
    return averages


# --- measurements ---------------------------------------------------------------------------


def _no_data(criterion, inputs, formula) -> Measurement:
    return Measurement(criterion, inputs, formula, ZERO, no_data=True)


def _measure_one(criterion, c, key_solved, med, points) -> Measurement:
    m = criterion.max_score
    code = criterion.code
    if code == RECEIVED:
        target = settings.RATING_RECEIVED_TARGET
        inputs = ((_("concerns received"), c["received"]), (_("target"), target))
        formula = _("%(max)s × min(1, concerns received ÷ %(target)s)") % {
            "max": m,
            "target": target,
        }
        return Measurement(criterion, inputs, formula, _capped(m, c["received"], target))
    if code == POINTS:
        target = settings.RATING_POINTS_TARGET
        count, average = points or (0, ZERO)
        inputs = (
            (_("members"), count),
            (_("members' average points"), average),
            (_("target"), target),
        )
        formula = _("%(max)s × min(1, members' average points ÷ %(target)s)") % {
            "max": m,
            "target": target,
        }
        if not count:
            return _no_data(criterion, inputs, formula)
        return Measurement(criterion, inputs, formula, _capped(m, average, target))
    if code == KEY_ISSUES:
        target = settings.RATING_KEY_ISSUES_TARGET
        inputs = ((_("key issues solved"), key_solved), (_("target"), target))
        formula = _("%(max)s × min(1, key issues solved ÷ %(target)s)") % {
            "max": m,
            "target": target,
        }
        return Measurement(criterion, inputs, formula, _capped(m, key_solved, target))
    shares = {
        RESOLVED: (
            (_("solved"), c["solved"]),
            (_("with a closing outcome"), c["with_outcome"]),
            _("%(max)s × solved ÷ concerns with a closing outcome"),
        ),
        ON_TIME: (
            (_("reported on time"), c["on_time"]),
            (_("results reported"), c["reported"]),
            _("%(max)s × reported on time ÷ results reported"),
        ),
        SATISFACTION: (
            (_("satisfied or basically satisfied"), c["satisfied"]),
            (_("rated"), c["surveyed"]),
            _("%(max)s × satisfied or basically satisfied ÷ rated"),
        ),
        MEDIATION: (
            (_("mediations with an agreement"), med["success"]),
            (_("mediations closed"), med["closed"]),
            _("%(max)s × mediations with an agreement ÷ mediations closed"),
        ),
    }
    part, whole, text = shares[code]
    inputs = (part, whole)
    formula = text % {"max": m}
    if not whole[1]:
        return _no_data(criterion, inputs, formula)
    return Measurement(criterion, inputs, formula, _share(m, part[1], whole[1]))


EMPTY_CONCERNS = dict.fromkeys(
    ("received", "with_outcome", "solved", "reported", "on_time", "surveyed", "satisfied"), 0
)
EMPTY_MEDIATIONS = {"closed": 0, "success": 0}


def measure_stations(station_ids, year: int, criteria=None) -> dict[int, list[Measurement]]:
    """station id → its Measurements of ``year``, one per active measured criterion, in the
    criteria's order. A constant number of queries whatever the number of stations."""
    station_ids = list(station_ids)
    criteria = measured_criteria() if criteria is None else criteria
    if not station_ids or not criteria:
        return {pk: [] for pk in station_ids}
    codes = {c.code for c in criteria}
    concern_codes = {RECEIVED, RESOLVED, ON_TIME, SATISFACTION}
    concerns = _concern_counts(station_ids, year) if codes & concern_codes else {}
    key_issues = _key_issue_counts(station_ids, year) if KEY_ISSUES in codes else {}
    mediations = _mediation_counts(station_ids, year) if MEDIATION in codes else {}
    points = _points_averages(station_ids, year) if POINTS in codes else {}
    return {
        pk: [
            _measure_one(
                criterion,
                concerns.get(pk, EMPTY_CONCERNS),
                key_issues.get(pk, 0),
                mediations.get(pk, EMPTY_MEDIATIONS),
                points.get(pk),
            )
            for criterion in criteria
        ]
        for pk in station_ids
    }


def measure(station: Station, year: int) -> list[Measurement]:
    """``station``'s measurements of ``year`` (see ``measure_stations``)."""
    return measure_stations([station.pk], year)[station.pk]


# --- who sees and rates ---------------------------------------------------------------------


def is_congress_staff(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and roles_for(user).is_staff_member
    )


def stations_for_viewer(user):
    """The stations whose ratings ``user`` sees: county staff all, town staff their town's,
    station staff their own; nobody else any."""
    if not is_congress_staff(user):
        return Station.objects.none()
    roles = roles_for(user)
    if roles.county:
        return Station.objects.all()
    q = Q(pk__in=[])
    if roles.town_id is not None:
        q |= Q(town_id=roles.town_id)
    if roles.station_id is not None:
        q |= Q(pk=roles.station_id)
    return Station.objects.filter(q)


def may_rate(user, station: Station) -> bool:
    """County staff, and the town staff of the station's town, rate it; station staff only
    look at their own station's."""
    if not is_congress_staff(user):
        return False
    roles = roles_for(user)
    return roles.county or (roles.town_id is not None and roles.town_id == station.town_id)


def get_station_for_viewer(user, pk) -> Station:
    """The station ``pk`` if ``user`` may see its ratings; 404 otherwise, whatever the id."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    station = stations_for_viewer(user).select_related("town").filter(pk=pk).first()
    if station is None:
        raise Http404
    return station


# --- saving ---------------------------------------------------------------------------------


def hand_criteria() -> list[RatingCriterion]:
    """The active criteria staff score by hand (every active one not measured here)."""
    return [
        c
        for c in RatingCriterion.objects.filter(is_active=True).order_by("order", "code")
        if not (c.is_measured and c.code in MEASURED_CODES)
    ]


def _clean_hand_scores(hand_scores: dict) -> dict[int, tuple[RatingCriterion, Decimal]]:
    """criterion id → (criterion, score), every score 0..max with one decimal; a measured,
    inactive or unknown criterion is refused."""
    allowed = {c.pk: c for c in hand_criteria()}
    cleaned = {}
    for key, value in hand_scores.items():
        pk = key.pk if isinstance(key, RatingCriterion) else key
        criterion = allowed.get(pk)
        if criterion is None:
            raise ValidationError(
                _(
                    "Only the criteria scored by hand can be typed; measured ones follow from the records."
                )
            )
        try:
            score = Decimal(str(value))
        except ArithmeticError:
            score = None
        if score is None or not score.is_finite() or score != score.quantize(TENTH):
            raise ValidationError(
                _("%(name)s: a score with at most one decimal.") % {"name": criterion.name}
            )
        if not ZERO <= score <= criterion.max_score:
            raise ValidationError(
                _("%(name)s: a score from 0 to %(max)s.")
                % {"name": criterion.name, "max": criterion.max_score}
            )
        cleaned[pk] = (criterion, score)
    return cleaned


def _upsert_score(rating, criterion, score, existing) -> bool:
    """Write one score; True if it changed."""
    row = existing.get(criterion.pk)
    if row is None:
        RatingScore.objects.create(rating=rating, criterion=criterion, score=score)
        return True
    if row.score != score:
        row.score = score
        row.save(update_fields=["score"])
        return True
    return False


@transaction.atomic
def rating_save(
    *, station: Station, year: int, actor, hand_scores: dict | None = None, notes=None
) -> StationRating:
    """Write ``station``'s rating of ``year``: the hand scores typed (criterion or id →
    score), the measured scores recomputed now, then the total and stars; one audit row
    (the administration's history of the rating). A locked year refuses (AwardsLocked);
    bad scores refuse (ValidationError) and nothing is saved."""
    ensure_year_open(year)
    cleaned = _clean_hand_scores(hand_scores or {})
    rating, created = StationRating.objects.get_or_create(
        station=station,
        year=year,
        defaults={"rated_on": timezone.localdate(), "rated_by": actor},
    )
    rating = StationRating.objects.select_for_update().get(pk=rating.pk)
    existing = {s.criterion_id: s for s in RatingScore.objects.filter(rating=rating)}
    changed = []
    for criterion, score in cleaned.values():
        if _upsert_score(rating, criterion, score, existing):
            changed.append(f"{criterion.code}={score}")
    for m in measure(station, year):
        if _upsert_score(rating, m.criterion, m.score, existing):
            changed.append(f"{m.criterion.code}={m.score}")
    rating.rated_on = timezone.localdate()
    rating.rated_by = actor
    fields = ["rated_on", "rated_by"]
    if notes is not None:
        rating.notes = notes
        fields.append("notes")
    rating.save(update_fields=fields)
    rating = liaison_services.station_rating_recompute(rating=rating)
    _audit(rating, actor, created, changed)
    return rating


def rating_refresh(*, rating: StationRating, actor) -> StationRating:
    """After the administration saved a rating's hand scores: the measured scores again,
    the total, the stars and the audit row (``rating_save`` with no hand score)."""
    return rating_save(station=rating.station, year=rating.year, actor=actor)


def _audit(rating, actor, created, changed) -> None:
    if actor is None or not getattr(actor, "pk", None):
        return
    LogEntry.objects.create(
        user_id=actor.pk,
        content_type=ContentType.objects.get_for_model(StationRating),
        object_id=str(rating.pk),
        object_repr=str(rating)[:200],
        action_flag=ADDITION if created else CHANGE,
        change_message=(
            f"rated {rating.year}: total {rating.total}/{rating.max_total}, "
            f"{rating.stars} stars; " + (", ".join(changed) or "no score changed")
        ),
    )
