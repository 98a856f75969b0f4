"""Mediation services (issue #11 item 2): opened once per dispute, by whom, changed only
while open, closed once (compare-and-set), each change an event that is never changed."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone

from liaison.models.append_only import AuditRowImmutable
from mediation import services
from mediation.models import Mediation, MediationEvent
from petitions.errors import TransitionConflict, TransitionNotAllowed
from tests.base import receive, to_step
from tests.mediation.helpers import dispute_concern, make_mediation_world, open_mediation

pytestmark = pytest.mark.django_db


@pytest.fixture
def mw():
    return make_mediation_world()


def test_it_opens_a_dispute_once_with_its_town_and_station(mw):
    w = mw.world
    mediation = services.mediation_open(petition=mw.petition, actor=w.town_staff_a)
    assert (mediation.town, mediation.station) == (w.town_a, w.station_a)
    assert mediation.status == Mediation.Status.OPEN
    assert list(mediation.events.values_list("kind", flat=True)) == ["opened"]
    with pytest.raises(TransitionConflict) as error:
        services.mediation_open(petition=mw.petition, actor=w.county)
    assert "已" in error.value.message
    assert Mediation.objects.count() == 1


def test_it_refuses_a_concern_of_another_category(mw):
    petition, _ = receive(mw.world, category=mw.world.category)
    with pytest.raises(services.MediationError):
        services.mediation_open(petition=petition, actor=mw.world.county)
    assert not Mediation.objects.exists()


def test_it_refuses_a_dropped_concern(mw):
    to_step(mw.world, mw.petition, "rejected")
    with pytest.raises(services.MediationError):
        services.mediation_open(petition=mw.petition, actor=mw.world.county)


@pytest.mark.parametrize("who", ["town_staff_b", "station_staff_a", "rep_b_user", "unit_user"])
def test_it_refuses_an_opener_out_of_place(mw, who):
    with pytest.raises(TransitionNotAllowed):
        services.mediation_open(petition=mw.petition, actor=getattr(mw.world, who))
    assert not Mediation.objects.exists()


def test_the_concerns_representative_who_opens_it_mediates(mw):
    mediation = services.mediation_open(petition=mw.petition, actor=mw.world.rep_a_user)
    assert list(mediation.representatives.all()) == [mw.world.rep_a]


def test_the_legal_worker_who_opens_it_mediates(mw):
    mediation = services.mediation_open(petition=mw.petition, actor=mw.legal_a)
    assert mediation.legal_worker == mw.legal_a


def test_the_database_holds_one_mediation_per_concern(mw):
    services.mediation_open(petition=mw.petition, actor=mw.world.county)
    with pytest.raises(IntegrityError):
        Mediation.objects.create(petition=mw.petition, opened_by=mw.world.county)


def test_parties_and_mediators_are_set_by_congress_staff_only(mw):
    w = mw.world
    mediation = services.mediation_open(petition=mw.petition, actor=w.county)
    with pytest.raises(TransitionNotAllowed):
        services.party_add(mediation=mediation, name="张三", role="applicant", actor=w.rep_a_user)
    with pytest.raises(TransitionNotAllowed):
        services.mediator_set(mediation=mediation, representatives=[w.rep_a], actor=w.town_staff_b)
    with pytest.raises(services.MediationError):
        services.mediator_set(mediation=mediation, representatives=[], actor=w.county)
    with pytest.raises(services.MediationError):  # not a legal worker
        services.mediator_set(
            mediation=mediation, representatives=[], legal_worker=w.unit_user, actor=w.county
        )
    assert list(mediation.events.values_list("kind", flat=True)) == ["opened"]


def test_a_party_event_names_the_role_never_the_person(mw):
    mediation = open_mediation(mw)
    notes = " ".join(mediation.events.values_list("note", flat=True))
    assert "张三丰" not in notes and "李四" not in notes


def test_a_mediator_records_a_session(mw):
    mediation = open_mediation(mw)
    today = timezone.localdate()
    session = services.session_add(
        mediation=mediation,
        held_on=today,
        place="杏坪镇人大代表联络站",
        representatives=[mw.world.rep_a],
        others="双方当事人",
        note="双方陈述",
        actor=mw.world.rep_a_user,
    )
    assert list(session.representatives.all()) == [mw.world.rep_a]
    assert mediation.events.filter(kind="session_added").count() == 1


def test_a_session_cannot_be_in_the_future_nor_by_an_outsider(mw):
    mediation = open_mediation(mw)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(services.MediationError):
        services.session_add(
            mediation=mediation, held_on=tomorrow, place="站", actor=mw.world.rep_a_user
        )
    for outsider in (mw.world.rep_b_user, mw.legal_b, mw.world.station_staff_a):
        with pytest.raises(TransitionNotAllowed):
            services.session_add(
                mediation=mediation,
                held_on=timezone.localdate(),
                place="站",
                actor=outsider,
            )
    assert not mediation.sessions.exists()


def test_success_needs_the_agreement(mw):
    mediation = open_mediation(mw)
    with pytest.raises(services.MediationError):
        services.mediation_close(
            mediation=mediation, outcome="success", agreement=" ", actor=mw.legal_a
        )
    mediation.refresh_from_db()
    assert mediation.is_open


def test_it_closes_once_with_the_agreement_and_scan(mw):
    mediation = open_mediation(mw)
    scan = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    closed = services.mediation_close(
        mediation=mediation,
        outcome="success",
        agreement="双方同意以界桩为界。",
        scan=scan,
        actor=mw.legal_a,
    )
    assert closed.status == "closed" and closed.outcome == "success" and closed.closed_at
    assert closed.scan.name.startswith("mediation/")
    with pytest.raises(TransitionConflict):
        services.mediation_close(mediation=mediation, outcome="failed", actor=mw.world.county)
    with pytest.raises(TransitionConflict):
        services.session_add(
            mediation=mediation, held_on=timezone.localdate(), place="站", actor=mw.world.county
        )
    assert mediation.events.filter(kind="closed").count() == 1


def test_a_scan_of_the_wrong_type_is_refused_and_nothing_is_saved(mw):
    mediation = open_mediation(mw)
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(services.MediationError):
        services.mediation_close(mediation=mediation, outcome="failed", scan=bad, actor=mw.legal_a)
    mediation.refresh_from_db()
    assert mediation.is_open and not mediation.scan


def test_a_stale_close_is_a_conflict(mw):
    """Two mediators close at the same moment: the compare-and-set lets one through."""
    mediation = open_mediation(mw)
    stale = Mediation.objects.get(pk=mediation.pk)
    services.mediation_close(mediation=mediation, outcome="failed", actor=mw.legal_a)
    with pytest.raises(TransitionConflict):
        services.mediation_close(mediation=stale, outcome="referred", actor=mw.world.county)
    stale.refresh_from_db()
    assert stale.outcome == "failed"


def test_events_are_never_changed_nor_deleted(mw):
    mediation = open_mediation(mw)
    event = mediation.events.first()
    event.note = "changed"
    with pytest.raises(AuditRowImmutable):
        event.save()
    with pytest.raises(AuditRowImmutable):
        event.delete()
    with pytest.raises(AuditRowImmutable):
        MediationEvent.objects.filter(pk=event.pk).update(note="changed")
    with pytest.raises(AuditRowImmutable):
        MediationEvent.objects.filter(pk=event.pk).delete()
    assert MediationEvent.objects.get(pk=event.pk).note != "changed"


def test_a_concern_of_town_b_is_scoped_to_town_b(mw):
    petition = dispute_concern(mw.world, rep=mw.world.rep_b)
    mediation = services.mediation_open(petition=petition, actor=mw.world.town_staff_b)
    assert mediation.town == mw.world.town_b
