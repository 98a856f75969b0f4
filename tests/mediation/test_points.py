"""A successful mediation counts under 为民办实事 (rule ``deed``) for each mediating
representative, traceable to the mediation; no agreement or a referral counts nothing."""

import pytest
from django.utils import timezone

from mediation import services
from points import services as points
from points.models import PointEntry
from tests.base import make_representative
from tests.mediation.helpers import make_mediation_world, open_mediation

pytestmark = pytest.mark.django_db


@pytest.fixture
def mw():
    return make_mediation_world()


def _total(rep):
    return points.year_summary(representative=rep, year=timezone.localdate().year)["total"]


def test_success_moves_each_mediating_representatives_points_by_the_deed_rule(mw):
    mediation = open_mediation(mw)
    fellow = make_representative(name="丙代表", station=mw.world.station_a)
    services.mediator_set(
        mediation=mediation,
        representatives=[mw.world.rep_a, fellow],
        legal_worker=mw.legal_a,
        actor=mw.world.town_staff_a,
    )
    year = timezone.localdate().year
    rule = points.rule_for("deed", year)
    before = {rep.pk: _total(rep) for rep in (mw.world.rep_a, fellow)}
    services.mediation_close(
        mediation=mediation, outcome="success", agreement="协议", actor=mw.legal_a
    )
    for rep in (mw.world.rep_a, fellow):
        entry = PointEntry.objects.get(representative=rep, source=PointEntry.Source.MEDIATION)
        assert entry.source_id == mediation.pk  # traceable to the mediation
        assert entry.rule == rule and entry.status == PointEntry.Status.APPROVED
        assert entry.date == timezone.localdate()
        assert mw.petition.tracking_no in entry.description
        assert _total(rep) - before[rep.pk] == rule.points_first == entry.points
    assert not PointEntry.objects.filter(representative=mw.world.rep_b).exists()


@pytest.mark.parametrize("outcome", ["failed", "referred"])
def test_no_agreement_or_a_referral_adds_nothing(mw, outcome):
    mediation = open_mediation(mw)
    before = _total(mw.world.rep_a)
    services.mediation_close(mediation=mediation, outcome=outcome, actor=mw.legal_a)
    assert not PointEntry.objects.filter(
        source=PointEntry.Source.MEDIATION, status=PointEntry.Status.APPROVED
    ).exists()
    assert _total(mw.world.rep_a) == before


def test_syncing_again_changes_nothing(mw):
    mediation = open_mediation(mw)
    closed = services.mediation_close(
        mediation=mediation, outcome="success", agreement="协议", actor=mw.legal_a
    )
    points.mediation_sync(mediation=closed)
    assert PointEntry.objects.filter(source=PointEntry.Source.MEDIATION).count() == 1
