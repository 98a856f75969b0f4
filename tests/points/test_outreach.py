"""Points for outreach and home visits (issue 9, item 2): the rule ``outreach_visit`` (first,
further, yearly cap) counts each visit for the representative who recorded it; a deleted
visit's entry is kept as withdrawn; the visit shows on the representative's points page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions import outreach
from petitions.models import Visit
from points import services
from points.models import PointAudit, PointEntry
from tests.base import make_representative, make_station, make_user
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep():
    return make_representative(name="走访代表", station=make_station(), user=make_user())


def _visit(rep, on=None, place="城关社区", **fields):
    visit, _created = outreach.visit_record(
        representative=rep,
        actor=rep.user,
        on=on or timezone.localdate(),
        place_kind=Visit.PlaceKind.COMMUNITY,
        place=place,
        **fields,
    )
    return visit


def _points(rep, year):
    summary = services.year_summary(representative=rep, year=year)
    row = next(r for r in summary["progress"] if r["rule"].code == "outreach_visit")
    return row["count"], row["points"]


def _this_years_day(n):
    """The n-th day of this year, never in the future (visits cannot be)."""
    today = timezone.localdate()
    return max(date(today.year, 1, 1), today - timedelta(days=n))


def test_the_rule_ships_with_the_shape_of_the_others():
    rule = services.rule_for("outreach_visit", timezone.localdate().year)
    assert rule.category == "voters"
    assert (rule.points_first, rule.points_further, rule.yearly_cap) == (
        Decimal("2"),
        Decimal("1"),
        Decimal("6"),
    )
    assert not rule.claimable and not rule.needs_approval


def test_the_first_visit_earns_the_first_points(rep):
    visit = _visit(rep)
    entry = PointEntry.objects.get(source=PointEntry.Source.VISIT, source_id=visit.pk)
    assert entry.representative == rep
    assert entry.status == PointEntry.Status.APPROVED
    assert entry.date == visit.date
    assert _points(rep, visit.date.year) == (1, Decimal("2"))


def test_further_visits_earn_less_up_to_the_cap(rep):
    year = timezone.localdate().year
    _visit(rep, on=_this_years_day(0))
    _visit(rep, on=_this_years_day(1))
    assert _points(rep, year) == (2, Decimal("3"))
    for n in range(2, 9):
        _visit(rep, on=_this_years_day(n))
    count, points = _points(rep, year)
    assert count == 9
    assert points == Decimal("6")  # 2 + 8 × 1 = 10, capped at 6


def test_fellow_representatives_earn_nothing_from_someone_elses_record(rep):
    fellow = make_representative(name="同行代表", station=make_station())
    _visit(rep, fellows=[fellow])
    assert not PointEntry.objects.filter(representative=fellow).exists()
    assert PointEntry.objects.filter(representative=rep).count() == 1


def test_a_deleted_visit_leaves_its_entry_withdrawn(rep):
    visit = _visit(rep)
    entry = PointEntry.objects.get(source=PointEntry.Source.VISIT)
    pk = visit.pk
    visit.delete()
    entry.refresh_from_db()
    assert entry.status == PointEntry.Status.WITHDRAWN
    assert entry.points == Decimal("0")
    assert entry.source_id == pk
    assert PointAudit.objects.filter(action=PointAudit.Action.ENTRY_WITHDRAWN).exists()
    assert _points(rep, visit.date.year) == (0, Decimal("0"))


def test_saving_a_visit_again_changes_nothing(rep):
    visit = _visit(rep)
    audits = PointAudit.objects.count()
    visit.note = "补记"
    visit.save()
    assert PointEntry.objects.count() == 1
    assert PointAudit.objects.count() == audits


def test_the_visit_shows_on_the_representatives_points_page(client, rep):
    _visit(rep, place="东坪村张家")
    client.force_login(rep.user)
    response = client.get(reverse("points:my_points"))
    text = page_text(response)
    assert "东坪村张家" in text
    assert "主动出诊" in text
