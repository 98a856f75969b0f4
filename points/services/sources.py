"""Automatic entries, kept in step with their sources (attendance, duty shifts, concerns),
and the changes to those sources that move points: cancelling an activity or a duty day,
approving an excuse, saving an attendance row. An entry whose source is gone, or no longer
earns, is kept as withdrawn.
"""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from liaison.models import Activity, DutyDay, DutyShift
from petitions.models import DROPPED_STEPS
from points.models import Attendance, PointAudit, PointEntry
from points.services.entries import (
    _audit,
    _audit_entry,
    _entry_state,
    _renumber,
    _touch,
    point_entry_create,
)
from points.services.table import rule_for

# --- automatic entries: kept in step with their sources ----------------------------------------

# Which rule an activity's attendance earns; unexcused absence from meetings deducts.
ACTIVITY_RULES = {
    Activity.Kind.SESSION: "session",
    Activity.Kind.STANDING_MEETING: "meeting",
    Activity.Kind.DIRECTOR_RECEPTION: "meeting",
    Activity.Kind.FACE_TO_FACE: "meeting",
    Activity.Kind.BRIEFING: "meeting",
    Activity.Kind.LECTURE: "training",
    Activity.Kind.TRAINING: "training",
    Activity.Kind.INSPECTION: "inspection",
    Activity.Kind.LAW_CHECK: "inspection",
    Activity.Kind.OUTREACH: "duty",
    Activity.Kind.DUTY_REPORT: "report",
    Activity.Kind.JOINT_RECEPTION: "duty",
    Activity.Kind.COLLECTIVE_STUDY: "training",
}
ABSENCE_DEDUCTED = {
    Activity.Kind.SESSION,
    Activity.Kind.STANDING_MEETING,
    Activity.Kind.DIRECTOR_RECEPTION,
    Activity.Kind.FACE_TO_FACE,
    Activity.Kind.BRIEFING,
}


def _withdraw(entry: PointEntry) -> None:
    """Keep ``entry`` as withdrawn, scoring nothing; the year's items renumber."""
    if entry.status == PointEntry.Status.WITHDRAWN:
        return
    before = _entry_state(entry)
    entry.status, entry.points = PointEntry.Status.WITHDRAWN, Decimal("0")
    entry.save(update_fields=["status", "points"])
    _touch(entry)
    _audit_entry(PointAudit.Action.ENTRY_WITHDRAWN, entry, before=before)


def _sync(
    *,
    source: str,
    source_id: int,
    representative,
    rule_code: str | None,
    on: date,
    description: str,
) -> PointEntry | None:
    """Make the source's entry match what it should be now: create it, move it to another
    rule, withdraw it, or count it again. Re-running changes nothing."""
    existing = (
        PointEntry.objects.select_for_update()
        .select_related("rule")
        .filter(source=source, source_id=source_id, representative=representative)
        .first()
    )
    rule = rule_for(rule_code, on.year) if rule_code else None
    if rule is None:
        if existing is not None:
            _withdraw(existing)
        return None
    if existing is not None:
        withdrawn = existing.status == PointEntry.Status.WITHDRAWN
        if existing.rule_id == rule.pk and existing.date == on and not withdrawn:
            return existing
        before = _entry_state(existing)
        old_rule, year = existing.rule, existing.year
        existing.rule, existing.date = rule, on
        # Automatic entries are approved when made; one withdrawn counts again as such.
        existing.status = PointEntry.Status.APPROVED
        existing.save(update_fields=["rule", "date", "status"])
        _renumber(representative.pk, old_rule, year)
        _touch(existing)
        action = PointAudit.Action.ENTRY_RESTORED if withdrawn else PointAudit.Action.ENTRY_CHANGED
        _audit_entry(action, existing, before=before)
        return existing
    try:
        with transaction.atomic():
            return point_entry_create(
                representative=representative,
                rule=rule,
                on=on,
                description=description,
                source=source,
                source_id=source_id,
                status=PointEntry.Status.APPROVED,
            )
    except IntegrityError:  # the same source synced at the same moment elsewhere
        return PointEntry.objects.get(
            source=source, source_id=source_id, representative=representative
        )


@transaction.atomic
def point_entry_withdraw(*, source: str, source_id: int, representative_id: int) -> None:
    """Keep the entry of a deleted source as withdrawn, scoring nothing."""
    # Called on every deletion of a source: alone, in bulk, or by a cascade (points.signals).
    existing = (
        PointEntry.objects.select_for_update()
        .select_related("rule")
        .filter(source=source, source_id=source_id, representative_id=representative_id)
        .first()
    )
    if existing is not None:
        _withdraw(existing)


@transaction.atomic
def attendance_sync(*, attendance: Attendance) -> PointEntry | None:
    """Attendance → its entry: present earns the activity's rule, unexcused absence from a
    meeting deducts, an approved excuse counts nothing, a cancelled activity nothing."""
    activity = attendance.activity
    code = None
    if not activity.is_cancelled:
        if attendance.status == Attendance.Status.PRESENT:
            code = ACTIVITY_RULES.get(activity.kind)
        elif activity.kind in ABSENCE_DEDUCTED and not (
            attendance.status == Attendance.Status.EXCUSED and attendance.excuse_approved
        ):
            code = "absence"
    return _sync(
        source=PointEntry.Source.ATTENDANCE,
        source_id=attendance.pk,
        representative=attendance.representative,
        rule_code=code,
        on=activity.date,
        description=activity.title,
    )


@transaction.atomic
def activity_sync(*, activity: Activity) -> int:
    """Re-sync every attendance of an activity (after it is edited or cancelled)."""
    count = 0
    for attendance in activity.attendances.select_related("representative"):
        attendance.activity = activity
        attendance_sync(attendance=attendance)
        count += 1
    return count


@transaction.atomic
def duty_shift_sync(*, shift: DutyShift) -> PointEntry | None:
    """A duty day served at a station earns the duty rule; unserved or cancelled, nothing."""
    day = shift.duty_day
    code = "duty" if shift.served and not day.is_cancelled else None
    return _sync(
        source=PointEntry.Source.DUTY,
        source_id=shift.pk,
        representative=shift.representative,
        rule_code=code,
        on=day.date,
        description=str(day.station),
    )


@transaction.atomic
def duty_day_sync(*, duty_day: DutyDay) -> int:
    """Re-sync every shift of a duty day's roster; returns the number of shifts."""
    # Served earns; unserved, or on a cancelled day, nothing (duty_shift_sync).
    count = 0
    for shift in duty_day.shifts.select_related("representative"):
        shift.duty_day = duty_day
        duty_shift_sync(shift=shift)
        count += 1
    return count


def _set_cancelled(model, obj, cancelled: bool, kind: str, action: str, actor) -> bool:
    """Cancel ``obj`` or reinstate it, compare-and-set, with its audit row; False if it
    already was so."""
    if not model.objects.filter(pk=obj.pk, is_cancelled=not cancelled).update(
        is_cancelled=cancelled
    ):
        return False
    obj.is_cancelled = cancelled
    _audit(
        action=action,
        kind=kind,
        object_id=obj.pk,
        actor=actor,
        before={"is_cancelled": not cancelled},
        after={"is_cancelled": cancelled},
        note=str(obj),
    )
    return True


@transaction.atomic
def activity_cancel(*, activity: Activity, actor) -> bool:
    """Cancel an activity: its attendance entries are withdrawn. False if already cancelled."""
    kind, action = PointAudit.Kind.ACTIVITY, PointAudit.Action.ACTIVITY_CANCELLED
    if not _set_cancelled(Activity, activity, True, kind, action, actor):
        return False
    activity_sync(activity=activity)
    return True


@transaction.atomic
def activity_reinstate(*, activity: Activity, actor) -> bool:
    """Reinstate a cancelled activity: its entries count again. False if it was not cancelled."""
    kind, action = PointAudit.Kind.ACTIVITY, PointAudit.Action.ACTIVITY_REINSTATED
    if not _set_cancelled(Activity, activity, False, kind, action, actor):
        return False
    activity_sync(activity=activity)
    return True


@transaction.atomic
def duty_day_cancel(*, duty_day: DutyDay, actor) -> bool:
    """Cancel a duty day: its roster's entries are withdrawn. False if already cancelled."""
    kind, action = PointAudit.Kind.DUTY_DAY, PointAudit.Action.DUTY_DAY_CANCELLED
    if not _set_cancelled(DutyDay, duty_day, True, kind, action, actor):
        return False
    duty_day_sync(duty_day=duty_day)
    return True


@transaction.atomic
def duty_day_reinstate(*, duty_day: DutyDay, actor) -> bool:
    """Reinstate a cancelled duty day: its roster's entries count again. False if it was not
    cancelled."""
    kind, action = PointAudit.Kind.DUTY_DAY, PointAudit.Action.DUTY_DAY_REINSTATED
    if not _set_cancelled(DutyDay, duty_day, False, kind, action, actor):
        return False
    duty_day_sync(duty_day=duty_day)
    return True


def _attendance_state(attendance) -> dict:
    return {"status": attendance.status, "excuse_approved": attendance.excuse_approved}


@transaction.atomic
def excuse_approve(*, attendance: Attendance, actor) -> bool:
    """Approve an excused absence's excuse, withdrawing its deduction; False if none waited."""
    # Compare-and-set: only an excused absence with its excuse written, not yet approved.
    updated = (
        Attendance.objects.filter(
            pk=attendance.pk, status=Attendance.Status.EXCUSED, excuse_approved=False
        )
        .exclude(excuse="")
        .update(excuse_approved=True, approved_by=actor)
    )
    if not updated:
        return False
    attendance.status = Attendance.Status.EXCUSED
    attendance.excuse_approved, attendance.approved_by = True, actor
    _audit(
        action=PointAudit.Action.EXCUSE_APPROVED,
        kind=PointAudit.Kind.ATTENDANCE,
        object_id=attendance.pk,
        representative_id=attendance.representative_id,
        actor=actor,
        before={**_attendance_state(attendance), "excuse_approved": False},
        after=_attendance_state(attendance),
        note=attendance.excuse,
    )
    attendance_sync(attendance=attendance)
    return True


@transaction.atomic
def attendance_save(*, attendance: Attendance, actor) -> Attendance:
    """Save an attendance row as staff edited it, and sync its entry."""
    # Who approved an excuse is kept; unticking it (or changing the status) clears them.
    # A new row, or a changed status or approval, appends an audit row.
    stored = None
    if attendance.pk is not None:
        stored = (
            Attendance.objects.select_for_update()
            .filter(pk=attendance.pk)
            .values("status", "excuse_approved")
            .first()
        )
    after = _attendance_state(attendance)
    if stored != after:
        attendance.approved_by = actor if attendance.excuse_approved else None
    attendance.save()
    if stored != after:
        newly_approved = attendance.excuse_approved and not (stored or {}).get("excuse_approved")
        _audit(
            action=(
                PointAudit.Action.EXCUSE_APPROVED
                if newly_approved
                else PointAudit.Action.ATTENDANCE_RECORDED
            ),
            kind=PointAudit.Kind.ATTENDANCE,
            object_id=attendance.pk,
            representative_id=attendance.representative_id,
            actor=actor,
            before=stored,
            after=after,
            note=attendance.excuse if newly_approved else "",
        )
    attendance_sync(attendance=attendance)
    return attendance


# Channels in which the representative received the concern themselves.
PETITION_CHANNELS = {"qr", "reception", "snapshot", "outreach"}


@transaction.atomic
def petition_sync(*, petition) -> PointEntry | None:
    """A concern received by the representative (by their QR code, at a reception, on an
    outreach visit, or their own 随手拍) earns 联系选民 once it reaches a result; a concern not
    accepted or merged away earns nothing, nor one that accuses them."""
    rep = petition.representative
    if rep is None:
        return None
    reached = petition.reported_at is not None and petition.step not in DROPPED_STEPS
    # Nor does a concern that accuses the very representative it was addressed to: the
    # entry would show them its tracking number (信访工作条例 Art. 30).
    accused = petition.accused_representative_id == rep.pk
    code = "concern" if reached and not accused and petition.channel in PETITION_CHANNELS else None
    on = timezone.localdate(petition.reported_at) if petition.reported_at else timezone.localdate()
    # The entry keeps the date of the first result: a second report after an unsatisfied
    # rating must not move it into another (perhaps already published) year.
    first = (
        PointEntry.objects.filter(
            source=PointEntry.Source.PETITION, source_id=petition.pk, representative=rep
        )
        .values_list("date", flat=True)
        .first()
    )
    if first is not None:
        on = first
    return _sync(
        source=PointEntry.Source.PETITION,
        source_id=petition.pk,
        representative=rep,
        rule_code=code,
        on=on,
        description=petition.tracking_no,
    )


@transaction.atomic
def visit_sync(*, visit) -> PointEntry | None:
    """An outreach or home visit (主动出诊 / 代表家访) earns ``outreach_visit`` for the
    representative who recorded it, on the visit's date."""
    # Only the one who recorded it: the fellow representatives are named by the recorder,
    # not by themselves, and a visit is not approved by staff (an automatic entry is approved
    # when made), so counting it for them would let one representative award points to
    # others. A fellow who was there records the visit as their own (MISSION.md: points
    # count what a representative did and can show; each entry names its own source).
    return _sync(
        source=PointEntry.Source.VISIT,
        source_id=visit.pk,
        representative=visit.representative,
        rule_code="outreach_visit",
        on=visit.date,
        description=f"{visit.get_place_kind_display()} {visit.place}",
    )


def pending_q() -> Q:
    return Q(status=PointEntry.Status.PENDING)
