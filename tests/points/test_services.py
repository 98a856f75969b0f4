"""Points services (issue #4, items 1–4): automatic entries follow their sources and never
count twice, a rule change next year leaves last year alone, claims are checked, review is
compare-and-set, and a rejection may be appealed once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.models import DutyDay, DutyShift
from petitions import services as petition_services
from petitions import workflow
from petitions.models import Petition
from points import services
from points.models import (
    Activity,
    Appeal,
    Attendance,
    PointEntry,
    PointRule,
    Publication,
    ReportRun,
)
from points.services import PointsError
from tests.base import make_representative, make_station, make_user, make_world, receive, to_step

pytestmark = pytest.mark.django_db

YEAR = 2025
DAY = date(YEAR, 3, 12)


@pytest.fixture
def rep():
    return make_representative(name="王代表", station=make_station())


@pytest.fixture
def staff():
    return make_user(staff=True)


def entries(rep, source=None):
    """The representative's entries still in the running (withdrawn ones are kept apart)."""
    qs = PointEntry.objects.filter(representative=rep).select_related("rule")
    qs = qs.exclude(status=PointEntry.Status.WITHDRAWN)
    if source is not None:
        qs = qs.filter(source=source)
    return list(qs.order_by("date", "pk"))


def withdrawn(rep) -> list[tuple[str, int, Decimal]]:
    """(source, source id, points) of the representative's withdrawn entries."""
    return list(
        PointEntry.objects.filter(representative=rep, status=PointEntry.Status.WITHDRAWN)
        .order_by("date", "pk")
        .values_list("source", "source_id", "points")
    )


def attend(rep, status=Attendance.Status.PRESENT, kind=Activity.Kind.SESSION, on=DAY, **fields):
    activity = Activity.objects.create(kind=kind, title="县十九届人大四次会议", date=on)
    attendance = Attendance.objects.create(
        activity=activity, representative=rep, status=status, **fields
    )
    services.attendance_sync(attendance=attendance)
    return attendance


def change_attendance(attendance, **fields):
    for name, value in fields.items():
        setattr(attendance, name, value)
    attendance.save(update_fields=list(fields))
    return services.attendance_sync(attendance=attendance)


def duty(rep, on=DAY, served=True, station=None):
    day, _ = DutyDay.objects.get_or_create(station=station or make_station(), date=on)
    shift = DutyShift.objects.create(duty_day=day, representative=rep, served=served)
    services.duty_shift_sync(shift=shift)
    return shift


def evidence():
    return SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0 evidence", content_type="image/jpeg")


def claim(rep, code="deed", on=None, **overrides):
    kwargs = {
        "representative": rep,
        "rule": services.rule_for(code, (on or timezone.localdate()).year),
        "on": on or timezone.localdate(),
        "quantity": 1,
        "description": "调解邻里宅基地纠纷一起",
        "evidence": evidence(),
        "actor": rep.user,
    }
    kwargs.update(overrides)
    return services.point_entry_claim(**kwargs)


# --- attendance -------------------------------------------------------------------------------


def test_it_gives_an_entry_for_attendance_and_never_a_second_one(rep):
    attendance = attend(rep)
    services.attendance_sync(attendance=attendance)
    services.activity_sync(activity=attendance.activity)
    [entry] = entries(rep)
    assert (entry.rule.code, entry.points, entry.status) == ("session", 15, "approved")
    assert (entry.source, entry.source_id, entry.date) == ("attendance", attendance.pk, DAY)


def test_it_turns_an_entry_into_a_deduction_when_present_becomes_absent(rep):
    attendance = attend(rep)
    first = entries(rep)[0]
    change_attendance(attendance, status=Attendance.Status.ABSENT)
    [entry] = entries(rep)
    assert entry.pk == first.pk
    assert (entry.rule.code, entry.points) == ("absence", Decimal("-5"))
    assert services.year_summary(representative=rep, year=YEAR)["total"] == Decimal("-5")


def test_it_deducts_for_an_excuse_until_staff_approve_it(rep):
    attendance = attend(rep, status=Attendance.Status.EXCUSED, excuse="外出务工")
    assert [e.rule.code for e in entries(rep)] == ["absence"]
    change_attendance(attendance, excuse_approved=True)
    assert entries(rep) == []
    assert withdrawn(rep) == [("attendance", attendance.pk, 0)]
    assert services.year_summary(representative=rep, year=YEAR)["total"] == 0


def test_it_gives_nothing_for_an_absence_from_a_training(rep):
    attend(rep, status=Attendance.Status.ABSENT, kind=Activity.Kind.LECTURE)
    assert entries(rep) == []


def test_it_removes_the_entries_of_a_cancelled_activity(rep):
    attendance = attend(rep)
    other = make_representative()
    Attendance.objects.create(
        activity=attendance.activity, representative=other, status=Attendance.Status.ABSENT
    )
    services.activity_sync(activity=attendance.activity)
    assert len(entries(rep)) == len(entries(other)) == 1
    activity = attendance.activity
    activity.is_cancelled = True
    activity.save(update_fields=["is_cancelled"])
    assert services.activity_sync(activity=activity) == 2
    assert entries(rep) == entries(other) == []
    assert len(withdrawn(rep)) == len(withdrawn(other)) == 1


def test_it_removes_the_entry_of_a_deleted_attendance(rep):
    attendance = attend(rep)
    pk = attendance.pk
    attendance.delete()
    assert entries(rep) == []
    assert withdrawn(rep) == [("attendance", pk, 0)]
    assert services.year_summary(representative=rep, year=YEAR)["total"] == 0


def test_it_removes_the_entries_of_attendance_deleted_in_bulk_or_with_its_activity(rep):
    a = attend(rep, on=date(YEAR, 3, 1))
    b = attend(rep, on=date(YEAR, 4, 1))
    c = attend(rep, on=date(YEAR, 5, 1), kind=Activity.Kind.STANDING_MEETING)
    assert len(entries(rep)) == 3
    Attendance.objects.filter(pk__in=[a.pk, b.pk]).delete()
    assert [e.source_id for e in entries(rep)] == [c.pk]
    c_pk = c.pk
    c.activity.delete()
    assert entries(rep) == []
    assert sorted(source_id for _, source_id, _ in withdrawn(rep)) == [a.pk, b.pk, c_pk]


def test_it_renumbers_the_remaining_items_after_a_removal(rep):
    for month in (3, 4, 5):
        attend(rep, on=date(YEAR, month, 1), kind=Activity.Kind.STANDING_MEETING)
    assert [e.points for e in entries(rep)] == [2, 2, 2]
    # The session rule gives 15 for the first item and 0 after: renumbering is visible.
    sessions = [attend(rep, on=date(YEAR, month, 2)) for month in (3, 4)]
    assert [e.points for e in entries(rep) if e.rule.code == "session"] == [15, 0]
    sessions[0].delete()
    assert [e.points for e in entries(rep) if e.rule.code == "session"] == [15]
    assert [points for _, _, points in withdrawn(rep)] == [0]
    assert [e.points for e in entries(rep) if e.rule.code == "meeting"] == [2, 2, 2]


# --- duty days --------------------------------------------------------------------------------


def test_it_gives_an_entry_for_a_duty_day_served_and_removes_it_when_unticked(rep):
    shift = duty(rep)
    services.duty_shift_sync(shift=shift)
    [entry] = entries(rep)
    assert (entry.rule.code, entry.points, entry.source) == ("duty", 4, "duty")
    shift.served = False
    shift.save(update_fields=["served"])
    services.duty_shift_sync(shift=shift)
    assert entries(rep) == []
    assert withdrawn(rep) == [("duty", shift.pk, 0)]
    # Ticked again: the same entry counts again.
    shift.served = True
    shift.save(update_fields=["served"])
    assert services.duty_shift_sync(shift=shift).pk == entry.pk
    assert [(e.pk, e.status, e.points) for e in entries(rep)] == [(entry.pk, "approved", 4)]
    assert withdrawn(rep) == []


def test_it_gives_nothing_for_a_planned_shift(rep):
    duty(rep, served=False)
    assert entries(rep) == []


def test_it_removes_the_entry_of_a_cancelled_or_deleted_duty_day(rep):
    shift = duty(rep)
    day = shift.duty_day
    day.is_cancelled = True
    day.save(update_fields=["is_cancelled"])
    services.duty_shift_sync(shift=DutyShift.objects.get(pk=shift.pk))
    assert entries(rep) == []
    other = duty(rep, on=date(YEAR, 4, 15))
    assert len(entries(rep)) == 1
    other.duty_day.delete()
    assert entries(rep) == []
    assert withdrawn(rep) == [("duty", shift.pk, 0), ("duty", other.pk, 0)]


def test_it_removes_the_entries_of_shifts_deleted_in_bulk(rep):
    station = make_station()
    for month in (3, 4, 5):
        duty(rep, on=date(YEAR, month, 15), station=station)
    assert [e.points for e in entries(rep)] == [4, 2, 2]
    DutyShift.objects.filter(duty_day__date__lt=date(YEAR, 5, 1)).delete()
    assert [e.points for e in entries(rep)] == [4]
    assert [points for _, _, points in withdrawn(rep)] == [0, 0]


# --- concerns ---------------------------------------------------------------------------------


@pytest.fixture
def world():
    return make_world()


def test_it_gives_one_entry_for_a_concern_carried_to_a_result(world):
    petition, _ = receive(world)
    to_step(world, petition, "supervising")
    assert entries(world.rep_a) == []
    to_step_report(world, petition)
    [entry] = entries(world.rep_a)
    assert (entry.rule.code, entry.points, entry.source) == ("concern", 1, "petition")
    assert (entry.source_id, entry.date) == (petition.pk, timezone.localdate())


def to_step_report(world, petition):
    workflow.petition_report(
        petition=petition,
        actor=world.unit_user,
        result="已修复路面。",
        outcome=Petition.Outcome.SOLVED,
    )


def test_it_still_counts_a_concern_once_after_a_reopen_and_a_second_report(world):
    petition, _ = receive(world)
    to_step(world, petition, "reported")
    first = entries(world.rep_a)
    workflow.petition_survey(petition=petition, rating="unsatisfied")
    petition.refresh_from_db()
    assert petition.step == "supervising"
    assert entries(world.rep_a) == first
    to_step_report(world, petition)
    workflow.petition_survey(petition=petition, rating="satisfied")
    assert entries(world.rep_a) == first
    assert len(first) == 1


@pytest.mark.parametrize("step", ["rejected", "merged"])
def test_it_gives_nothing_for_a_concern_not_accepted(world, step):
    petition, _ = receive(world)
    to_step(world, petition, step)
    assert entries(world.rep_a, source="petition") == []


def test_it_gives_nothing_for_a_concern_posted_on_a_station_page(world):
    petition, _, _ = petition_services.petition_receive(
        channel=Petition.Channel.STATION_PAGE,
        text="小区路灯不亮，夜间出行不便。",
        representative=world.rep_a,
        station=world.station_a,
        consent=True,
    )
    to_step(world, petition, "reported")
    assert entries(world.rep_a) == []


# --- the database guarantee -------------------------------------------------------------------


@pytest.mark.parametrize("source", ["attendance", "duty", "petition"])
def test_the_database_refuses_a_source_counted_twice(rep, source):
    rule = services.rule_for("meeting", YEAR)
    fields = {"representative": rep, "rule": rule, "date": DAY, "source": source}
    PointEntry.objects.create(source_id=7, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointEntry.objects.create(source_id=7, **fields)
    PointEntry.objects.create(source_id=8, **fields)  # another source is another entry


def test_the_database_refuses_a_system_entry_without_its_source(rep):
    rule = services.rule_for("meeting", YEAR)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointEntry.objects.create(representative=rep, rule=rule, date=DAY, source="duty")


# --- a rule change next year ------------------------------------------------------------------


def test_a_rule_changed_for_next_year_leaves_last_year_as_it_was(rep):
    station = make_station()
    for month in (3, 4):
        duty(rep, on=date(YEAR, month, 15), station=station)
    before = services.year_summary(representative=rep, year=YEAR)
    old = services.rule_for("duty", YEAR)
    new = PointRule.objects.create(
        code="duty",
        category=old.category,
        name=old.name,
        points_first=Decimal("8"),
        points_further=Decimal("4"),
        yearly_cap=Decimal("20"),
        applies_from=YEAR + 1,
    )
    assert services.rule_for("duty", YEAR) == old
    assert services.rule_for("duty", YEAR + 1) == new
    after = services.year_summary(representative=rep, year=YEAR)
    assert after["total"] == before["total"] == Decimal("6")
    assert after["by_category"] == before["by_category"]
    duty(rep, on=date(YEAR + 1, 3, 15), station=station)
    next_year = [e for e in entries(rep) if e.year == YEAR + 1]
    assert [(e.rule_id, e.points) for e in next_year] == [(new.pk, Decimal("8"))]
    assert services.year_summary(representative=rep, year=YEAR + 1)["total"] == Decimal("8")
    assert [e.points for e in entries(rep) if e.year == YEAR] == [4, 2]


def test_a_removal_renumbers_by_the_rule_in_force_that_year(rep):
    """Items made before staff changed this year's rule renumber by the new row, as the
    year's totals do, when one of them is removed."""
    station = make_station()
    shifts = [duty(rep, on=date(YEAR, month, 15), station=station) for month in (3, 4, 5)]
    old = services.rule_for("duty", YEAR)
    PointRule.objects.create(
        code="duty",
        category=old.category,
        name=old.name,
        points_first=Decimal("10"),
        points_further=Decimal("5"),
        yearly_cap=Decimal("30"),
        applies_from=YEAR,
    )
    removed = shifts[1].pk
    shifts[1].delete()
    assert [e.points for e in entries(rep)] == [Decimal("10"), Decimal("5")]
    assert withdrawn(rep) == [("duty", removed, 0)]
    summary = services.year_summary(representative=rep, year=YEAR)
    assert summary["total"] == sum(e.points for e in entries(rep))


# --- claims -----------------------------------------------------------------------------------


def test_it_records_a_claim_as_pending(rep):
    entry = claim(rep)
    assert (entry.status, entry.source, entry.points) == ("pending", "", Decimal("5"))
    assert entry.evidence


def test_it_refuses_a_claim_of_a_rule_the_system_counts(rep):
    with pytest.raises(PointsError):
        claim(rep, code="duty")
    assert entries(rep) == []


def test_it_refuses_a_claim_without_the_evidence_the_rule_needs(rep):
    with pytest.raises(PointsError):
        claim(rep, evidence=None)
    assert entries(rep) == []


def test_it_refuses_a_claim_dated_in_the_future(rep):
    with pytest.raises(PointsError):
        claim(rep, on=timezone.localdate() + timedelta(days=1))
    assert entries(rep) == []


def test_it_refuses_a_claim_older_than_last_year(rep):
    with pytest.raises(PointsError):
        claim(rep, on=date(timezone.localdate().year - 2, 12, 31))


def test_it_refuses_a_claim_without_a_description(rep):
    with pytest.raises(PointsError):
        claim(rep, description="  ")


def staff_entry(rep, on, quantity=1, source=PointEntry.Source.STAFF, **fields):
    return services.point_entry_create(
        representative=rep,
        rule=services.rule_for(fields.pop("code", "deed"), on.year),
        on=on,
        quantity=quantity,
        description="纸质台账补录",
        source=source,
        status=PointEntry.Status.APPROVED,
        **fields,
    )


def publish(year, user):
    run = ReportRun.objects.create(
        year=year, status=ReportRun.Status.DONE, total=0, done=0, finished_at=timezone.now()
    )
    return Publication.objects.create(year=year, run=run, published_by=user)


def published_message(year):
    return _(
        "The points of %(year)s have been published; no entries can be added to that year."
    ) % {"year": year}


@pytest.mark.parametrize("quantity", [services.MAX_ITEMS_PER_ENTRY + 1, 1_000_000_000])
def test_it_refuses_an_entry_of_more_items_than_the_bound(rep, quantity):
    with pytest.raises(PointsError) as refused:
        staff_entry(rep, DAY, quantity)
    assert refused.value.message == (
        _("The quantity may be at most %(limit_value)s.")
        % {"limit_value": services.MAX_ITEMS_PER_ENTRY}
    )
    assert entries(rep) == []


def test_an_entry_of_the_most_items_is_worked_out_in_one_step(rep, monkeypatch):
    calls = []
    item_points = services.scoring.item_points

    def counted(rule, ordinal):
        calls.append(ordinal)
        return item_points(rule, ordinal)

    monkeypatch.setattr(services.scoring, "item_points", counted)
    most = services.MAX_ITEMS_PER_ENTRY
    first = staff_entry(rep, DAY, most)
    # deed: 5 for the first item, 1 for each further one (before the yearly cap).
    assert first.points == 5 + (most - 1)
    assert len(calls) <= 2  # never once per item
    later = staff_entry(rep, DAY + timedelta(days=1), 3)
    earlier = staff_entry(rep, DAY - timedelta(days=1), 2)
    assert [(e.quantity, e.points) for e in entries(rep)] == [(2, 6), (most, most), (3, 3)]
    assert later.points == 3 and earlier.points == 6
    assert len(calls) <= 2 + 2 * 2 + 2 * 3  # two per entry each time the year is renumbered


def test_a_claim_counts_fewer_items_than_a_staff_entry(rep):
    with pytest.raises(PointsError):
        claim(rep, quantity=services.MAX_ITEMS_PER_CLAIM + 1)
    assert entries(rep) == []
    assert claim(rep, quantity=services.MAX_ITEMS_PER_CLAIM).quantity == 20
    assert services.MAX_ITEMS_PER_CLAIM <= services.MAX_ITEMS_PER_ENTRY


@pytest.mark.parametrize("years_ago", [0, 1])
def test_it_refuses_a_claim_dated_in_a_published_year(rep, staff, years_ago):
    today = timezone.localdate()
    on = today if years_ago == 0 else date(today.year - 1, 12, 31)
    publish(on.year, staff)
    with pytest.raises(PointsError) as refused:
        claim(rep, on=on)
    assert refused.value.message == published_message(on.year)
    assert entries(rep) == []


@pytest.mark.parametrize("year", [2019, YEAR])
def test_staff_cannot_add_an_entry_to_a_published_year(rep, staff, year):
    publish(year, staff)
    with pytest.raises(PointsError) as refused:
        staff_entry(rep, date(year, 6, 1))
    assert refused.value.message == published_message(year)
    assert entries(rep) == []
    # A year not published stays open.
    assert staff_entry(rep, date(year + 1, 6, 1)).year == year + 1


def test_entries_pending_when_the_year_was_published_may_still_be_approved(rep, staff):
    """The published figures are pinned to the published run; the record may still change."""
    on = date(timezone.localdate().year - 1, 12, 31)
    entry = claim(rep, on=on)
    publish(on.year, staff)
    assert services.point_entry_approve(entry=entry, actor=staff) is True
    entry.refresh_from_db()
    assert entry.status == PointEntry.Status.APPROVED


@pytest.mark.parametrize("text", ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", " \ufeff\n\u200b "])
def test_invisible_characters_alone_are_no_description_and_no_appeal(rep, staff, text):
    with pytest.raises(PointsError):
        claim(rep, description=text)
    entry = rejected_claim(rep, staff)
    with pytest.raises(PointsError):
        services.point_entry_appeal(entry=entry, actor=rep.user, text=text)
    assert not Appeal.objects.exists()


def test_visible_text_keeps_what_shows():
    assert services.visible_text("\ufeff 调解\u200d纠纷 \u2060") == "调解\u200d纠纷"
    assert services.visible_text("\u200b\u200c") == ""


# --- review -----------------------------------------------------------------------------------


def test_it_approves_a_pending_entry_once(rep, staff):
    entry = claim(rep)
    assert services.point_entry_approve(entry=entry, actor=staff) is True
    assert services.point_entry_approve(entry=entry, actor=staff) is False
    assert services.point_entry_reject(entry=entry, actor=staff, reason="材料不全") is False
    entry.refresh_from_db()
    assert (entry.status, entry.reviewed_by, entry.rejection_reason) == ("approved", staff, "")


def test_it_rejects_a_pending_entry_once_and_only_with_a_reason(rep, staff):
    entry = claim(rep)
    with pytest.raises(PointsError):
        services.point_entry_reject(entry=entry, actor=staff, reason=" ")
    assert services.point_entry_reject(entry=entry, actor=staff, reason="材料不全") is True
    assert services.point_entry_approve(entry=entry, actor=staff) is False
    entry.refresh_from_db()
    assert (entry.status, entry.rejection_reason) == ("rejected", "材料不全")


def test_a_stale_copy_cannot_review_an_entry_twice(rep, staff):
    entry = claim(rep)
    stale = PointEntry.objects.get(pk=entry.pk)
    assert services.point_entry_reject(entry=entry, actor=staff, reason="材料不全") is True
    assert services.point_entry_approve(entry=stale, actor=staff) is False
    assert PointEntry.objects.get(pk=entry.pk).status == "rejected"


def test_a_rejected_entry_stops_counting(rep, staff):
    first = claim(rep)
    second = claim(rep)
    assert [e.points for e in entries(rep)] == [5, 1]
    services.point_entry_reject(entry=first, actor=staff, reason="重复申报")
    second.refresh_from_db()
    assert second.points == 5


# --- appeals ----------------------------------------------------------------------------------


def rejected_claim(rep, staff):
    entry = claim(rep)
    services.point_entry_reject(entry=entry, actor=staff, reason="证明材料不清晰")
    entry.refresh_from_db()
    return entry


def test_it_lets_a_representative_appeal_only_a_rejected_entry(rep, staff):
    entry = claim(rep)
    with pytest.raises(PointsError):
        services.point_entry_appeal(entry=entry, actor=rep.user, text="已补充材料")
    services.point_entry_approve(entry=entry, actor=staff)
    entry.refresh_from_db()
    with pytest.raises(PointsError):
        services.point_entry_appeal(entry=entry, actor=rep.user, text="已补充材料")
    assert not Appeal.objects.exists()


def test_it_lets_a_rejection_be_appealed_once(rep, staff):
    entry = rejected_claim(rep, staff)
    with pytest.raises(PointsError):
        services.point_entry_appeal(entry=entry, actor=rep.user, text=" ")
    appeal = services.point_entry_appeal(entry=entry, actor=rep.user, text="照片已重新上传")
    assert appeal.status == Appeal.Status.OPEN
    with pytest.raises(PointsError):
        services.point_entry_appeal(entry=entry, actor=rep.user, text="再次申诉")
    assert Appeal.objects.count() == 1


def test_an_upheld_appeal_approves_the_entry(rep, staff):
    entry = rejected_claim(rep, staff)
    appeal = services.point_entry_appeal(entry=entry, actor=rep.user, text="照片已重新上传")
    services.appeal_answer(appeal=appeal, actor=staff, uphold=True, answer="材料属实，予以认定")
    entry.refresh_from_db()
    appeal.refresh_from_db()
    assert entry.status == PointEntry.Status.APPROVED
    assert (appeal.status, appeal.answered_by, appeal.answer) == (
        Appeal.Status.UPHELD,
        staff,
        "材料属实，予以认定",
    )
    assert services.year_summary(representative=rep, year=entry.year)["total"] == 5


def test_a_dismissed_appeal_leaves_the_entry_rejected_for_good(rep, staff):
    entry = rejected_claim(rep, staff)
    appeal = services.point_entry_appeal(entry=entry, actor=rep.user, text="照片已重新上传")
    with pytest.raises(PointsError):
        services.appeal_answer(appeal=appeal, actor=staff, uphold=False, answer="")
    services.appeal_answer(appeal=appeal, actor=staff, uphold=False, answer="材料仍不充分")
    entry.refresh_from_db()
    assert entry.status == PointEntry.Status.REJECTED
    assert Appeal.objects.get().status == Appeal.Status.DISMISSED
    with pytest.raises(PointsError):
        services.appeal_answer(appeal=appeal, actor=staff, uphold=True, answer="改判")
    with pytest.raises(PointsError):
        services.point_entry_appeal(entry=entry, actor=rep.user, text="再次申诉")
    entry.refresh_from_db()
    assert entry.status == PointEntry.Status.REJECTED
