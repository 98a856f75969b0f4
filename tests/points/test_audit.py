"""The points audit trail (issue #8, item 4): every service that changes points data appends
one row, in the same transaction, with who, what, before → after and why; the table refuses
updates and deletes through the ORM; the rows show read-only on the entry's admin page and in
a list filtered by representative, in constant queries."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison.models import Activity, DutyDay, DutyShift, StaffScope
from points import services
from points.models import Attendance, AuditRowImmutable, PointAudit, PointEntry
from points.services import PointsError
from tests.base import make_representative, make_station, make_town, make_user, make_world
from tests.helpers import admin_form_data, admin_url, duty_day_data, in_site_language, page_text

pytestmark = pytest.mark.django_db

YEAR = 2025
DAY = date(YEAR, 3, 12)
Action = PointAudit.Action


@pytest.fixture
def rep():
    return make_representative(name="周代表", station=make_station())


@pytest.fixture
def staff():
    return make_user(superuser=True)


def claim(rep):
    return services.point_entry_create(
        representative=rep,
        rule=services.rule_for("deed", timezone.localdate().year),
        on=timezone.localdate(),
        description="调解邻里纠纷一起",
        actor=rep.user,
    )


def rows(action=None, **filters) -> list[PointAudit]:
    qs = PointAudit.objects.order_by("pk")
    if action is not None:
        qs = qs.filter(action=action)
    return list(qs.filter(**filters))


def last(action) -> PointAudit:
    return rows(action)[-1]


# --- one row per change, with before → after ---------------------------------------------------


def test_creating_an_entry_appends_a_row(rep):
    entry = claim(rep)
    [row] = rows()
    assert (row.action, row.kind, row.object_id) == (Action.ENTRY_CREATED, "entry", entry.pk)
    assert (row.representative, row.actor, row.before) == (rep, None, None)
    assert row.after == {
        "status": "pending",
        "rule": "deed",
        "date": entry.date.isoformat(),
        "quantity": 1,
        "points": "5.0",
    }


def test_a_claim_records_the_representative_as_actor(rep):
    rep.user = make_user()
    rep.save(update_fields=["user"])
    entry = services.point_entry_claim(
        representative=rep,
        rule=services.rule_for("deed", timezone.localdate().year),
        on=timezone.localdate(),
        quantity=1,
        description="调解邻里纠纷一起",
        evidence=SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff evidence"),
        actor=rep.user,
    )
    assert last(Action.ENTRY_CREATED).actor == rep.user
    assert last(Action.ENTRY_CREATED).object_id == entry.pk


def test_approving_appends_a_row_only_when_it_approves(rep, staff):
    entry = claim(rep)
    assert services.point_entry_approve(entry=entry, actor=staff) is True
    row = last(Action.ENTRY_APPROVED)
    assert (row.actor, row.object_id, row.representative) == (staff, entry.pk, rep)
    assert (row.before["status"], row.after["status"]) == ("pending", "approved")
    assert row.changes() == [("status", "pending", "approved")]
    assert services.point_entry_approve(entry=entry, actor=staff) is False
    assert len(rows(Action.ENTRY_APPROVED)) == 1


def test_rejecting_appends_a_row_with_the_reason(rep, staff):
    entry = claim(rep)
    later = claim(rep)
    assert services.point_entry_reject(entry=entry, actor=staff, reason="材料不全") is True
    row = last(Action.ENTRY_REJECTED)
    assert (row.actor, row.note) == (staff, "材料不全")
    assert (row.before["status"], row.after["status"]) == ("pending", "rejected")
    # The later claim renumbered (its own row says nothing: it was not reviewed).
    later.refresh_from_db()
    assert later.points == 5
    with pytest.raises(PointsError):
        services.point_entry_reject(entry=later, actor=staff, reason=" ")
    assert len(rows(Action.ENTRY_REJECTED)) == 1


def test_appealing_and_answering_append_rows(rep, staff):
    entry = claim(rep)
    services.point_entry_reject(entry=entry, actor=staff, reason="材料不全")
    entry.refresh_from_db()
    appeal = services.point_entry_appeal(entry=entry, actor=rep.user, text="照片已补充")
    row = last(Action.ENTRY_APPEALED)
    assert (row.object_id, row.note, row.after["status"]) == (entry.pk, "照片已补充", "rejected")
    with pytest.raises(PointsError):
        services.point_entry_appeal(entry=entry, actor=rep.user, text="再次申诉")
    assert len(rows(Action.ENTRY_APPEALED)) == 1

    services.appeal_answer(appeal=appeal, actor=staff, uphold=True, answer="材料属实")
    row = last(Action.APPEAL_UPHELD)
    assert (row.actor, row.note) == (staff, "材料属实")
    assert row.changes()[0] == ("status", "rejected", "approved")
    with pytest.raises(PointsError):
        services.appeal_answer(appeal=appeal, actor=staff, uphold=False, answer="改判")
    assert not rows(Action.APPEAL_DISMISSED)


def test_a_dismissed_appeal_appends_a_row_and_leaves_the_entry(rep, staff):
    entry = claim(rep)
    services.point_entry_reject(entry=entry, actor=staff, reason="材料不全")
    entry.refresh_from_db()
    appeal = services.point_entry_appeal(entry=entry, actor=rep.user, text="照片已补充")
    services.appeal_answer(appeal=appeal, actor=staff, uphold=False, answer="仍不充分")
    row = last(Action.APPEAL_DISMISSED)
    assert (row.before["status"], row.after["status"], row.changes()) == (
        "rejected",
        "rejected",
        [],
    )


def test_deleting_a_staff_entry_keeps_its_rows(rep, staff):
    entry = services.point_entry_create(
        representative=rep,
        rule=services.rule_for("deed", YEAR),
        on=DAY,
        description="纸质台账补录",
        source=PointEntry.Source.STAFF,
        status=PointEntry.Status.APPROVED,
        actor=staff,
    )
    later = services.point_entry_create(
        representative=rep,
        rule=services.rule_for("deed", YEAR),
        on=date(YEAR, 4, 1),
        description="纸质台账补录",
        source=PointEntry.Source.STAFF,
        status=PointEntry.Status.APPROVED,
        actor=staff,
    )
    pk = entry.pk
    services.point_entry_delete(entry=entry, actor=staff)
    assert not PointEntry.objects.filter(pk=pk).exists()
    later.refresh_from_db()
    assert later.points == 5  # now the first item
    row = last(Action.ENTRY_DELETED)
    assert (row.object_id, row.actor, row.after) == (pk, staff, None)
    assert row.before["status"] == "approved"
    assert [r.action for r in rows(object_id=pk)] == [Action.ENTRY_CREATED, Action.ENTRY_DELETED]


def test_only_a_staff_entry_can_be_deleted(rep, staff):
    entry = claim(rep)
    with pytest.raises(PointsError):
        services.point_entry_delete(entry=entry, actor=staff)
    assert PointEntry.objects.filter(pk=entry.pk).exists()
    assert not rows(Action.ENTRY_DELETED)


# --- automatic entries: withdrawn, counted again, cancelled sources -----------------------------


def attendance(rep, status=Attendance.Status.PRESENT, **fields):
    activity = Activity.objects.create(
        kind=Activity.Kind.STANDING_MEETING, title="常委会第九次会议", date=DAY
    )
    row = Attendance.objects.create(activity=activity, representative=rep, status=status, **fields)
    services.attendance_sync(attendance=row)
    return row


def test_a_deleted_source_withdraws_its_entry_with_a_system_row(rep):
    row = attendance(rep)
    entry = PointEntry.objects.get(source="attendance")
    row.delete()
    entry.refresh_from_db()
    assert (entry.status, entry.points) == ("withdrawn", 0)
    audit = last(Action.ENTRY_WITHDRAWN)
    assert (audit.actor, audit.object_id, audit.representative) == (None, entry.pk, rep)
    assert audit.changes() == [("status", "approved", "withdrawn"), ("points", "2.0", "0.0")]
    assert services.year_summary(representative=rep, year=YEAR)["total"] == 0
    assert services.counts_by_representative(YEAR) == {}


def test_a_withdrawn_entry_counts_again_when_its_source_earns_again(rep):
    station = make_station()
    day = DutyDay.objects.create(station=station, date=DAY)
    shift = DutyShift.objects.create(duty_day=day, representative=rep, served=True)
    entry = services.duty_shift_sync(shift=shift)
    shift.served = False
    services.duty_shift_sync(shift=shift)
    shift.served = True
    assert services.duty_shift_sync(shift=shift).pk == entry.pk
    assert [r.action for r in rows(object_id=entry.pk)] == [
        Action.ENTRY_CREATED,
        Action.ENTRY_WITHDRAWN,
        Action.ENTRY_RESTORED,
    ]
    assert last(Action.ENTRY_RESTORED).after["points"] == "4.0"
    # Re-running changes nothing and appends nothing.
    services.duty_shift_sync(shift=shift)
    assert len(rows(object_id=entry.pk)) == 3


def test_a_source_moved_to_another_rule_appends_a_change_row(rep):
    row = attendance(rep)
    row.status = Attendance.Status.ABSENT
    services.attendance_sync(attendance=row)
    audit = last(Action.ENTRY_CHANGED)
    assert audit.changes() == [("rule", "meeting", "absence"), ("points", "2.0", "-5.0")]


def test_cancelling_an_activity_appends_its_row_and_withdraws_entries(rep, staff):
    row = attendance(rep)
    activity = row.activity
    assert services.activity_cancel(activity=activity, actor=staff) is True
    activity.refresh_from_db()
    assert activity.is_cancelled
    audit = last(Action.ACTIVITY_CANCELLED)
    assert (audit.kind, audit.object_id, audit.actor, audit.representative) == (
        "activity",
        activity.pk,
        staff,
        None,
    )
    assert (audit.before, audit.after) == ({"is_cancelled": False}, {"is_cancelled": True})
    assert PointEntry.objects.get().status == "withdrawn"
    assert services.activity_cancel(activity=activity, actor=staff) is False
    assert len(rows(Action.ACTIVITY_CANCELLED)) == 1


def test_cancelling_a_duty_day_appends_its_row_and_withdraws_entries(rep, staff):
    day = DutyDay.objects.create(station=make_station(), date=DAY)
    shift = DutyShift.objects.create(duty_day=day, representative=rep, served=True)
    services.duty_day_sync(duty_day=day)
    assert PointEntry.objects.get(source="duty", source_id=shift.pk).status == "approved"
    assert services.duty_day_cancel(duty_day=day, actor=staff) is True
    assert services.duty_day_cancel(duty_day=day, actor=staff) is False
    assert [r.object_id for r in rows(Action.DUTY_DAY_CANCELLED)] == [day.pk]
    assert PointEntry.objects.get(source="duty").status == "withdrawn"


def test_approving_an_excuse_appends_a_row_and_withdraws_the_deduction(rep, staff):
    row = attendance(rep, status=Attendance.Status.EXCUSED, excuse="住院")
    assert PointEntry.objects.get().rule.code == "absence"
    assert services.excuse_approve(attendance=row, actor=staff) is True
    row.refresh_from_db()
    assert (row.excuse_approved, row.approved_by) == (True, staff)
    audit = last(Action.EXCUSE_APPROVED)
    assert (audit.kind, audit.object_id, audit.note) == ("attendance", row.pk, "住院")
    assert audit.changes() == [("excuse_approved", False, True)]
    assert PointEntry.objects.get().status == "withdrawn"
    assert services.excuse_approve(attendance=row, actor=staff) is False


def test_only_a_recorded_excuse_is_approved(rep, staff):
    present = attendance(rep)
    blank = attendance(make_representative(), status=Attendance.Status.EXCUSED)
    assert services.excuse_approve(attendance=present, actor=staff) is False
    assert services.excuse_approve(attendance=blank, actor=staff) is False
    assert not rows(Action.EXCUSE_APPROVED)


def test_saving_attendance_keeps_who_approved_and_appends_a_row(rep, staff):
    row = attendance(rep, status=Attendance.Status.EXCUSED, excuse="出差")
    row.excuse_approved = True
    services.attendance_save(attendance=row, actor=staff)
    assert Attendance.objects.get(pk=row.pk).approved_by == staff
    assert last(Action.EXCUSE_APPROVED).before == {"status": "excused", "excuse_approved": False}
    row.excuse_approved = False
    services.attendance_save(attendance=row, actor=staff)
    assert Attendance.objects.get(pk=row.pk).approved_by is None
    assert last(Action.ATTENDANCE_RECORDED).after == {
        "status": "excused",
        "excuse_approved": False,
    }
    # Saved unchanged: no row.
    count = PointAudit.objects.filter(kind="attendance").count()
    services.attendance_save(attendance=row, actor=staff)
    assert PointAudit.objects.filter(kind="attendance").count() == count


def test_a_change_whose_row_cannot_be_written_does_not_happen(rep, staff, monkeypatch):
    """The row is written in the change's transaction: both or neither."""
    entry = claim(rep)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PointAudit, "save", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.point_entry_approve(entry=entry, actor=staff)
    monkeypatch.undo()
    assert PointEntry.objects.get(pk=entry.pk).status == "pending"
    assert not rows(Action.ENTRY_APPROVED)


# --- append-only ------------------------------------------------------------------------------


def test_the_table_refuses_updates_and_deletes_through_the_orm(rep):
    claim(rep)
    row = PointAudit.objects.get()
    row.note = "改写"
    with pytest.raises(AuditRowImmutable):
        row.save()
    with pytest.raises(AuditRowImmutable):
        row.delete()
    with pytest.raises(AuditRowImmutable):
        PointAudit.objects.filter(pk=row.pk).update(note="改写")
    with pytest.raises(AuditRowImmutable):
        PointAudit.objects.all().delete()
    # bulk_update runs in its own atomic block: a savepoint keeps the test's transaction usable.
    with pytest.raises(AuditRowImmutable), transaction.atomic():
        PointAudit.objects.bulk_update([row], ["note"])
    row = PointAudit.objects.get()
    assert row.note == ""


# --- shown read-only in the administration ------------------------------------------------------


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def test_the_entry_page_shows_its_rows_and_links_to_the_representatives_trail(
    admin_client, rep, staff
):
    entry = claim(rep)
    services.point_entry_reject(entry=entry, actor=staff, reason="材料不全")
    response = admin_client.get(admin_url("points.PointEntry", "change", entry.pk))
    text = page_text(response)
    assert in_site_language(Action.ENTRY_CREATED.label) in text
    assert in_site_language(Action.ENTRY_REJECTED.label) in text
    assert "材料不全" in text
    trail = admin_url("points.PointAudit", "changelist") + f"?representative={rep.pk}"
    assert trail in response.content.decode()

    response = admin_client.get(trail)
    assert response.status_code == 200
    assert {r.representative_id for r in response.context["cl"].result_list} == {rep.pk}
    assert response.context["cl"].result_count == 2


def test_the_trail_is_read_only(admin_client, rep):
    claim(rep)
    row = PointAudit.objects.get()
    url = admin_url("points.PointAudit", "change", row.pk)
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False
    assert admin_client.post(url, {"note": "x"}).status_code == 403
    assert admin_client.get(admin_url("points.PointAudit", "add")).status_code == 403
    assert admin_client.post(admin_url("points.PointAudit", "delete", row.pk)).status_code == 403


def test_the_trail_lists_in_constant_queries(admin_client, rep, staff):
    def queries(url) -> int:
        admin_client.get(url)  # content types and the like, cached from then on
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    entry = claim(rep)
    services.point_entry_reject(entry=entry, actor=staff, reason="材料不全")
    entry.refresh_from_db()
    entry_page = admin_url("points.PointEntry", "change", entry.pk)
    trail = admin_url("points.PointAudit", "changelist") + f"?representative={rep.pk}"
    before = queries(entry_page), queries(trail)
    for _ in range(5):
        services.point_entry_approve(entry=claim(rep), actor=staff)
    appeal = services.point_entry_appeal(entry=entry, actor=None, text="照片已补充")
    services.appeal_answer(appeal=appeal, actor=staff, uphold=False, answer="仍不充分")
    assert PointAudit.objects.filter(kind="entry", object_id=entry.pk).count() == 4
    assert (queries(entry_page), queries(trail)) == before


def test_town_staff_see_only_their_towns_trail(client):
    world = make_world()
    for rep in (world.rep_a, world.rep_b):
        claim(rep)
    user = world.town_staff_a
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="points", codename__in=["view_pointaudit", "view_pointentry"]
        )
    )
    client.force_login(user)
    response = client.get(admin_url("points.PointAudit", "changelist"))
    assert [r.representative_id for r in response.context["cl"].result_list] == [world.rep_a.pk]
    theirs = PointAudit.objects.get(representative=world.rep_b)
    assert client.get(admin_url("points.PointAudit", "change", theirs.pk)).status_code == 302
    trail = admin_url("points.PointAudit", "changelist") + f"?representative={world.rep_b.pk}"
    assert client.get(trail).context["cl"].result_count == 0


def test_ticking_cancelled_on_an_activitys_page_cancels_through_the_service(
    admin_client, rep, staff
):
    row = attendance(rep)
    activity = row.activity
    data = admin_form_data(
        {
            "kind": activity.kind,
            "title": activity.title,
            "date": activity.date.isoformat(),
            "is_cancelled": "on",
        },
        "attendances",
        [
            {
                "id": row.pk,
                "activity": activity.pk,
                "representative": rep.pk,
                "status": row.status,
            }
        ],
    )
    response = admin_client.post(admin_url("liaison.Activity", "change", activity.pk), data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.is_cancelled
    assert last(Action.ACTIVITY_CANCELLED).actor == staff
    assert PointEntry.objects.get().status == "withdrawn"
    assert last(Action.ENTRY_WITHDRAWN).object_id == PointEntry.objects.get().pk


def test_ticking_cancelled_on_a_duty_days_page_cancels_through_the_service(
    admin_client, rep, staff
):
    day = DutyDay.objects.create(station=make_station(), date=DAY)
    shift = DutyShift.objects.create(duty_day=day, representative=rep, served=True)
    services.duty_day_sync(duty_day=day)
    row = {"id": shift.pk, "duty_day": day.pk, "representative": rep.pk, "served": True}
    data = duty_day_data(day.station, day.date, [row], is_cancelled="on")
    response = admin_client.post(admin_url("liaison.DutyDay", "change", day.pk), data)
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.is_cancelled
    assert last(Action.DUTY_DAY_CANCELLED).actor == staff
    assert PointEntry.objects.get().status == "withdrawn"


# --- the representative's admin page ---------------------------------------------------------


def _staff_who_read_the_trail(**scope):
    user = make_user(staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_representative", "view_pointaudit"],
            content_type__app_label__in=["liaison", "points"],
        )
    )
    if scope:
        StaffScope.objects.create(user=user, **scope)
    return user


def test_the_representatives_admin_page_shows_their_trail_to_staff_who_cover_them(client, rep):
    entry = claim(rep)
    services.point_entry_approve(entry=entry, actor=None)
    url = admin_url("liaison.Representative", "change", rep.pk)
    link = "查看该代表的全部积分变更记录"  # All changes to this representative's points

    client.force_login(_staff_who_read_the_trail(level=StaffScope.Level.COUNTY))
    response = client.get(url)
    assert response.status_code == 200
    text = page_text(response)
    assert in_site_language(Action.ENTRY_APPROVED.label) in text
    assert link in text

    # Town staff of another town may open the representative, not their points.
    client.force_login(_staff_who_read_the_trail(level=StaffScope.Level.TOWN, town=make_town()))
    response = client.get(url)
    assert response.status_code == 200
    assert link not in page_text(response)


def test_the_trail_names_a_rule_by_its_name_not_its_code(client, rep):
    entry = claim(rep)
    rule = entry.rule
    client.force_login(make_user(superuser=True))
    for url in [
        admin_url("points.PointEntry", "change", entry.pk),
        admin_url("liaison.Representative", "change", rep.pk),
        admin_url("points.PointAudit", "changelist"),
    ]:
        text = page_text(client.get(url))
        assert rule.name in text, url
        assert f": {rule.code};" not in text and f": {rule.code} " not in text, url


def test_unticking_cancelled_on_a_duty_days_page_reinstates_it_in_the_staffs_name(
    admin_client, rep, staff
):
    day = DutyDay.objects.create(station=make_station(), date=DAY)
    shift = DutyShift.objects.create(duty_day=day, representative=rep, served=True)
    services.duty_day_sync(duty_day=day)
    services.duty_day_cancel(duty_day=day, actor=staff)
    assert PointEntry.objects.get().status == "withdrawn"
    row = {"id": shift.pk, "duty_day": day.pk, "representative": rep.pk, "served": True}
    response = admin_client.post(
        admin_url("liaison.DutyDay", "change", day.pk), duty_day_data(day.station, day.date, [row])
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert not day.is_cancelled
    audit = last(Action.DUTY_DAY_REINSTATED)
    assert (audit.actor, audit.object_id) == (staff, day.pk)
    assert audit.changes() == [("is_cancelled", True, False)]
    assert PointEntry.objects.get().status == "approved"
    assert services.duty_day_reinstate(duty_day=day, actor=staff) is False


def test_reinstating_an_activity_counts_its_entries_again(rep, staff):
    activity = attendance(rep).activity
    services.activity_cancel(activity=activity, actor=staff)
    assert PointEntry.objects.get().status == "withdrawn"
    assert services.activity_reinstate(activity=activity, actor=staff) is True
    assert last(Action.ACTIVITY_REINSTATED).actor == staff
    assert PointEntry.objects.get().status == "approved"
    assert services.activity_reinstate(activity=activity, actor=staff) is False
