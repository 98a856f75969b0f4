"""Thin fixtures of the star ratings' tests (issue #14, part A), on top of the world: a year
of records at station A whose measured scores the tests work out by hand."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from keyissues.models import KeyIssue
from liaison.models import RatingCriterion, StationMembership
from mediation.models import Mediation
from petitions.models import Petition
from tests.base import ensure_default_criteria, make_representative, receive
from tests.points.year_end_helpers import add_items, ensure_default_table

YEAR = timezone.localdate().year - 1


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime(year, month, day, hour))


def concern(world, *, station=None, year=YEAR, **fields):
    """A concern received at ``station`` (A) in ``year``, its columns then set as given."""
    petition, _token = receive(world, station=station or world.station_a)
    fields.setdefault("created_at", at(year, 3, 1))
    Petition.objects.filter(pk=petition.pk).update(**fields)
    petition.refresh_from_db()
    return petition


def reported(on: date, deadline: date) -> dict:
    return {"reported_at": at(on.year, on.month, on.day, 15), "deadline": deadline}


def key_issue(station, *, year=YEAR, state=KeyIssue.State.SOLVED, title="村道积水"):
    return KeyIssue.objects.create(
        station=station,
        year=year,
        quarter=2,
        title=title,
        state=state,
        result_date=date(year, 6, 30) if state in KeyIssue.CONCLUDED else None,
    )


def mediation(world, *, outcome, closed_at, station=None):
    petition = concern(world, station=station, year=YEAR - 1)
    closed = outcome != ""
    return Mediation.objects.create(
        petition=petition,
        town=petition.town,
        station=station or world.station_a,
        status=Mediation.Status.CLOSED if closed else Mediation.Status.OPEN,
        outcome=outcome,
        agreement="双方达成赔偿协议。" if outcome == Mediation.Outcome.SUCCESS else "",
        closed_at=closed_at,
        opened_by=world.county,
    )


def seed_year(world):
    """Station A's year (and some noise that must not count). The expected scores, by hand:

    concerns received at A in YEAR: 5 → received 4 × min(1, 5/30) = 0.667 → 0.7
    with a standing outcome: p1, p2, p3 (results), p5 (merged) = 4; solved p1, p3 = 2 → 2.0
    reported (result, reported_at and deadline): p1, p2, p3 = 3; on time p1, p3 = 2 → 2.7
    rated: p1, p2, p3 = 3; satisfied or basically: p1, p2 = 2 → 2.7
    members' points: rep_a 15 + 6 + 6 = 27, second member 8 + 5 = 13; average 20
        → 4 × 20/60 = 1.333 → 1.3
    key issues solved in YEAR: 1 → 4 × 1/4 = 1.0
    mediations closed in YEAR: 3, with an agreement 2 → 2.7
    measured total 13.1
    """
    ensure_default_criteria()
    ensure_default_table()
    late, early = date(YEAR, 3, 20), date(YEAR, 3, 10)
    deadline = date(YEAR, 3, 15)
    p4 = concern(world, step="supervising", deadline=deadline)
    concern(world, step="closed", outcome="solved", rating="satisfied", **reported(early, deadline))
    concern(
        world, step="surveyed", outcome="answered", rating="basically", **reported(late, deadline)
    )
    concern(
        world, step="closed", outcome="solved", rating="unsatisfied", **reported(deadline, deadline)
    )
    concern(world, step="merged", outcome="duplicate", merged_into=p4)
    # Not counted: another year, another station.
    concern(
        world,
        year=YEAR - 1,
        step="closed",
        outcome="solved",
        rating="satisfied",
        **reported(date(YEAR - 1, 3, 10), date(YEAR - 1, 3, 15)),
    )
    concern(world, station=world.station_b, step="closed", outcome="answered", rating="unsatisfied")

    second = make_representative(name="丙代表", station=world.station_a)
    outsider = make_representative(name="丁代表", station=world.station_b)
    add_items(YEAR, {world.rep_a.pk: {"session": 1, "meeting": 3, "duty": 2}})
    add_items(YEAR, {second.pk: {"inspection": 2, "deed": 1}})
    add_items(YEAR, {outsider.pk: {"session": 1, "deed": 5}})
    add_items(YEAR - 1, {world.rep_a.pk: {"proposal": 5}})

    key_issue(world.station_a)
    key_issue(world.station_a, state=KeyIssue.State.NOT_SOLVED, title="停车难")
    key_issue(world.station_a, year=YEAR - 1, title="饮水难")
    key_issue(world.station_b, title="路灯不亮")

    success = Mediation.Outcome.SUCCESS
    mediation(world, outcome=success, closed_at=at(YEAR, 5, 1))
    mediation(world, outcome=success, closed_at=at(YEAR, 8, 1))
    mediation(world, outcome=Mediation.Outcome.FAILED, closed_at=at(YEAR, 9, 1))
    mediation(world, outcome="", closed_at=None)
    mediation(world, outcome=success, closed_at=at(YEAR - 1, 12, 1))
    return {"second": second}


EXPECTED = {
    "results-received": Decimal("0.7"),
    "results-resolved": Decimal("2.0"),
    "results-on-time": Decimal("2.7"),
    "results-satisfaction": Decimal("2.7"),
    "results-points": Decimal("1.3"),
    "results-key-issues": Decimal("1.0"),
    "results-mediation": Decimal("2.7"),
}


def hand_criteria():
    return list(RatingCriterion.objects.filter(is_active=True, is_measured=False).order_by("order"))


def member_count(station):
    return StationMembership.objects.filter(station=station).count()
