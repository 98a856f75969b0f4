"""Points rules that change data: claims, review, appeals, automatic entries, totals.

Scoring arithmetic is in ``points/scoring.py``; this module feeds it from the database.
"""

import unicodedata
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.models import Representative
from points import scoring
from points.models import (
    Activity,
    Appeal,
    Attendance,
    Category,
    CategoryCap,
    DutyDay,
    DutyShift,
    GradeBand,
    PointAudit,
    PointEntry,
    PointRule,
    Publication,
)

# The most items one entry may count. Staff enter a paper tally as one entry with a quantity,
# and a yearly cap makes more than a few dozen of anything pointless; the bound also keeps
# an entry's points within their column. A representative's claim is held lower still: many
# items claimed at once is almost always a typing slip.
MAX_ITEMS_PER_ENTRY = 100
MAX_ITEMS_PER_CLAIM = 20
# Formatted with ``limit_value``, so the forms' max_value error can be the same text.
QUANTITY_TOO_LARGE = gettext_lazy("The quantity may be at most %(limit_value)s.")


class PointsError(Exception):
    """A change that may not happen; ``message`` is shown to the user as is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- the year's table -------------------------------------------------------------------------


def rules_for_year(year: int) -> dict[str, PointRule]:
    """code → the rule in force in ``year`` (the latest row not after it). One query."""
    return rule_table(year)[0]


def rule_table(year: int) -> tuple[dict[str, PointRule], dict[int, str]]:
    """The rules in force in ``year`` (as ``rules_for_year``) and the code of every row of
    the table, older and later ones too (rule id → code), from one query."""
    rules: dict[str, PointRule] = {}
    codes: dict[int, str] = {}
    for rule in PointRule.objects.order_by("code", "-applies_from"):
        codes[rule.pk] = rule.code
        if rule.applies_from <= year:
            rules.setdefault(rule.code, rule)
    return {code: rule for code, rule in rules.items() if rule.is_active}, codes


def scoring_rules(rules: dict[str, PointRule]) -> dict[int, scoring.Rule]:
    """The year's rules as scoring sees them, keyed by id. Entries of an older row of the same
    code count under the row in force, so a rule change applies to the whole year."""
    return {
        r.pk: scoring.Rule(r.pk, r.category, r.points_first, r.points_further, r.yearly_cap)
        for r in rules.values()
    }


def category_caps_for_year(year: int) -> dict[str, Decimal]:
    caps: dict[str, Decimal] = {}
    for cap in CategoryCap.objects.filter(applies_from__lte=year).order_by(
        "category", "-applies_from"
    ):
        caps.setdefault(cap.category, cap.cap)
    return caps


def grade_bands_for_year(year: int) -> list[tuple[str, Decimal]]:
    """(name, minimum total) of the bands of the latest table not after ``year``. One query."""
    bands, latest = [], None
    for applies_from, name, minimum in (
        GradeBand.objects.filter(applies_from__lte=year)
        .order_by("-applies_from", "-min_total")
        .values_list("applies_from", "name", "min_total")
    ):
        if latest is not None and applies_from != latest:
            break
        latest = applies_from
        bands.append((name, minimum))
    return bands


def rule_for(code: str, year: int) -> PointRule | None:
    return rules_for_year(year).get(code)


# --- totals -----------------------------------------------------------------------------------


def counts_by_representative(year: int, representative_ids=None) -> dict[int, dict[str, int]]:
    """representative id → {rule code → approved items in ``year``}. One aggregate query."""
    qs = PointEntry.objects.filter(year=year, status=PointEntry.Status.APPROVED)
    if representative_ids is not None:
        qs = qs.filter(representative_id__in=representative_ids)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = qs.values("representative_id", "rule__code").annotate(n=Sum("quantity")).order_by()
    for row in rows:
        counts[row["representative_id"]][row["rule__code"]] = row["n"]
    return counts


def score(counts_by_code: dict[str, int], rules: dict[str, PointRule], caps) -> dict[str, Decimal]:
    """Points per category for one representative's counts."""
    srules = scoring_rules(rules)
    by_id = {rules[code].pk: n for code, n in counts_by_code.items() if code in rules}
    return scoring.category_totals(srules, by_id, caps)


def year_summary(*, representative, year: int) -> dict:
    """What "My points" shows: per category (caps applied), per rule progress, total,
    grade and rank among representatives of the same level."""
    rules = rules_for_year(year)
    caps = category_caps_for_year(year)
    all_counts = counts_by_representative(year)
    same_level = set(
        Representative.objects.filter(level=representative.level, is_active=True).values_list(
            "pk", flat=True
        )
    )
    totals = {
        rep_id: scoring.total(score(c, rules, caps))
        for rep_id, c in all_counts.items()
        if rep_id in same_level
    }
    for rep_id in same_level:
        totals.setdefault(rep_id, Decimal("0"))
    ranks = scoring.competition_ranks(totals)
    mine = all_counts.get(representative.pk, {})
    by_category = score(mine, rules, caps)
    srules = scoring_rules(rules)
    progress = []
    for code, rule in rules.items():
        earned = scoring.rule_points(srules[rule.pk], mine.get(code, 0))
        progress.append(
            {"rule": rule, "count": mine.get(code, 0), "points": earned, "cap": rule.yearly_cap}
        )
    total_points = scoring.total(by_category)
    return {
        "year": year,
        "by_category": [
            (value, label, by_category.get(value, Decimal("0")))
            for value, label in Category.choices
        ],
        "progress": progress,
        "total": total_points,
        "grade": scoring.grade_for(total_points, grade_bands_for_year(year)),
        "rank": ranks.get(representative.pk),
        "rank_of": len(same_level),
    }


# --- entries ----------------------------------------------------------------------------------


def _entry_points(srule: scoring.Rule, before: int, quantity: int) -> Decimal:
    """What an entry of ``quantity`` items adds after ``before`` earlier items of its rule:
    its first item counts as the ``before + 1``-th, every later one as a further item. Worked
    out in one step, not item by item, whatever the quantity."""
    if quantity < 1:
        return Decimal("0")
    first = scoring.item_points(srule, before + 1)
    return first + scoring.item_points(srule, before + 2) * (quantity - 1)


def _recompute_item_points(representative_id: int, rule: PointRule, year: int) -> None:
    """Store what each item still in the running (pending or approved) adds, in date order
    (first / further)."""
    srule = scoring.Rule(
        rule.pk, rule.category, rule.points_first, rule.points_further, rule.yearly_cap
    )
    before = 0
    entries = (
        PointEntry.objects.filter(
            representative_id=representative_id, rule__code=rule.code, year=year
        )
        .exclude(status__in=[PointEntry.Status.REJECTED, PointEntry.Status.WITHDRAWN])
        .order_by("date", "pk")
    )
    changed = []
    for entry in entries:
        pts = _entry_points(srule, before, entry.quantity)
        before += entry.quantity
        if entry.points != pts:
            entry.points = pts
            changed.append(entry)
    PointEntry.objects.bulk_update(changed, ["points"])


def _renumber(representative_id: int, rule: PointRule, year: int) -> None:
    """Recompute the year's items of ``rule``'s code by the row in force that year, which
    may be a newer row than the one an item was made under (as the year's totals do)."""
    _recompute_item_points(representative_id, rule_for(rule.code, year) or rule, year)


def _touch(entry: PointEntry) -> None:
    _renumber(entry.representative_id, entry.rule, entry.year)


# --- the audit trail ----------------------------------------------------------------------------


def _entry_state(entry: PointEntry) -> dict:
    """What an audit row keeps of an entry, before or after a change (JSON-ready)."""
    return {
        "status": entry.status,
        "rule": entry.rule.code,
        "date": entry.date.isoformat(),
        "quantity": entry.quantity,
        "points": str(entry.points),
    }


def _audit(
    *,
    action: str,
    kind: str,
    object_id: int,
    representative_id: int | None = None,
    actor=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> PointAudit:
    """Append one audit row; called inside the change's transaction, so both or neither."""
    return PointAudit.objects.create(
        action=action,
        kind=kind,
        object_id=object_id,
        representative_id=representative_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        before=before,
        after=after,
        note=note,
    )


def _audit_entry(action: str, entry: PointEntry, *, actor=None, before=None, note="") -> None:
    """An audit row for ``entry`` as it now stands (its points freshly renumbered)."""
    entry.refresh_from_db(fields=["points", "status"])
    _audit(
        action=action,
        kind=PointAudit.Kind.ENTRY,
        object_id=entry.pk,
        representative_id=entry.representative_id,
        actor=actor,
        before=before,
        after=_entry_state(entry),
        note=note,
    )


def check_quantity(quantity: int, most: int = MAX_ITEMS_PER_ENTRY) -> None:
    """Refuse a quantity below 1 or above ``most``."""
    if quantity < 1:
        raise PointsError(_("The quantity must be at least 1."))
    if quantity > most:
        raise PointsError(QUANTITY_TOO_LARGE % {"limit_value": most})


def check_year_open(year: int) -> None:
    """Refuse to add to a year whose totals staff have published. One query."""
    if Publication.objects.filter(year=year).exists():
        raise PointsError(
            _("The points of %(year)s have been published; no entries can be added to that year.")
            % {"year": year}
        )


def check_claim_date(on: date) -> None:
    """A claim is dated this year or last year, and not in the future. No query."""
    today = timezone.localdate()
    if on > today or on.year < today.year - 1:
        raise PointsError(_("Claim items of this year or last year, not in the future."))


# Characters that show nothing (zero-width spaces and joiners, the word joiner, a byte order
# mark: Unicode's format characters) are trimmed like spaces, so text made of them is blank.
def visible_text(text: str) -> str:
    """``text`` without the spaces and invisible format characters around it."""
    start, end = 0, len(text)
    while start < end and _blank(text[start]):
        start += 1
    while end > start and _blank(text[end - 1]):
        end -= 1
    return text[start:end]


def _blank(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Cf"


@transaction.atomic
def point_entry_create(
    *,
    representative,
    rule: PointRule,
    on: date,
    quantity: int = 1,
    description: str = "",
    evidence=None,
    source: str = "",
    source_id: int | None = None,
    status: str = PointEntry.Status.PENDING,
    actor=None,
) -> PointEntry:
    """Add an item to a representative's record.

    What a person adds, a representative's claim or staff's entry, may not go into a year
    whose totals have been published; the system's own entries follow their sources.
    """
    check_quantity(quantity, MAX_ITEMS_PER_ENTRY)
    if source in (PointEntry.Source.CLAIM, PointEntry.Source.STAFF):
        check_year_open(on.year)
    entry = PointEntry(
        representative=representative,
        rule=rule,
        date=on,
        quantity=quantity,
        description=description,
        source=source,
        source_id=source_id,
        status=status,
        created_by=actor,
    )
    if status == PointEntry.Status.APPROVED:
        entry.reviewed_at = timezone.now()
        entry.reviewed_by = actor
    if evidence:
        entry.evidence = evidence
    entry.save()
    _touch(entry)
    # Refreshes the points _touch stored for it.
    _audit_entry(PointAudit.Action.ENTRY_CREATED, entry, actor=actor)
    return entry


def point_entry_claim(
    *, representative, rule: PointRule, on: date, quantity: int, description: str, evidence, actor
) -> PointEntry:
    """A representative claims an item (a deed done, a report to voters) with evidence,
    dated this year or last year, in a year not yet published."""
    if not rule.claimable or not rule.is_active:
        raise PointsError(
            _("This item cannot be claimed; it is counted by the system or by staff.")
        )
    check_claim_date(on)
    check_quantity(quantity, MAX_ITEMS_PER_CLAIM)
    if rule.needs_evidence and not evidence:
        raise PointsError(_("Attach evidence (a photo, a document) for this item."))
    description = visible_text(description)
    if not description:
        raise PointsError(_("Describe what you did."))
    status = PointEntry.Status.PENDING if rule.needs_approval else PointEntry.Status.APPROVED
    return point_entry_create(
        representative=representative,
        rule=rule,
        on=on,
        quantity=quantity,
        description=description,
        evidence=evidence,
        status=status,
        actor=actor,
    )


@transaction.atomic
def point_entry_approve(*, entry: PointEntry, actor) -> bool:
    """Approve a pending entry. Compare-and-set: False if it was no longer pending."""
    updated = PointEntry.objects.filter(pk=entry.pk, status=PointEntry.Status.PENDING).update(
        status=PointEntry.Status.APPROVED,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        rejection_reason="",
    )
    if updated:
        entry.refresh_from_db()
        # The update moved only the status (and the reviewer): the rest is as it was.
        before = {**_entry_state(entry), "status": PointEntry.Status.PENDING}
        _touch(entry)
        _audit_entry(PointAudit.Action.ENTRY_APPROVED, entry, actor=actor, before=before)
    return bool(updated)


@transaction.atomic
def point_entry_reject(*, entry: PointEntry, actor, reason: str) -> bool:
    """Reject a pending entry with a reason the representative sees."""
    if not reason.strip():
        raise PointsError(_("Give the reason for the rejection."))
    updated = PointEntry.objects.filter(pk=entry.pk, status=PointEntry.Status.PENDING).update(
        status=PointEntry.Status.REJECTED,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        rejection_reason=reason,
    )
    if updated:
        entry.refresh_from_db()
        # The update moved only the status (and the reviewer): the rest is as it was.
        before = {**_entry_state(entry), "status": PointEntry.Status.PENDING}
        _touch(entry)
        _audit_entry(
            PointAudit.Action.ENTRY_REJECTED, entry, actor=actor, before=before, note=reason
        )
    return bool(updated)


@transaction.atomic
def point_entry_appeal(*, entry: PointEntry, actor, text: str) -> Appeal:
    """Appeal a rejection, once."""
    if entry.status != PointEntry.Status.REJECTED:
        raise PointsError(_("Only a rejected item can be appealed."))
    text = visible_text(text)
    if not text:
        raise PointsError(_("Say why the item should count."))
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(entry=entry, text=text)
    except IntegrityError:
        raise PointsError(_("This item has already been appealed once.")) from None
    state = _entry_state(entry)
    _audit(
        action=PointAudit.Action.ENTRY_APPEALED,
        kind=PointAudit.Kind.ENTRY,
        object_id=entry.pk,
        representative_id=entry.representative_id,
        actor=actor,
        before=state,
        after=state,
        note=text,
    )
    return appeal


# The demo loader (liaison/management/demo_points.py, moving to the demo app) still calls
# the old name; drop this once it calls point_entry_appeal.
appeal_create = point_entry_appeal


@transaction.atomic
def appeal_answer(*, appeal: Appeal, actor, uphold: bool, answer: str) -> Appeal:
    """Answer an appeal; upholding it approves the entry."""
    if not answer.strip():
        raise PointsError(_("Write the answer."))
    updated = Appeal.objects.filter(pk=appeal.pk, status=Appeal.Status.OPEN).update(
        status=Appeal.Status.UPHELD if uphold else Appeal.Status.DISMISSED,
        answer=answer,
        answered_by=actor,
        answered_at=timezone.now(),
    )
    if not updated:
        raise PointsError(_("This appeal has already been answered."))
    entry = appeal.entry
    entry.refresh_from_db()
    before = _entry_state(entry)
    if uphold:
        PointEntry.objects.filter(pk=entry.pk).update(
            status=PointEntry.Status.APPROVED, reviewed_by=actor, reviewed_at=timezone.now()
        )
        entry.refresh_from_db()
        _touch(entry)
    _audit_entry(
        PointAudit.Action.APPEAL_UPHELD if uphold else PointAudit.Action.APPEAL_DISMISSED,
        entry,
        actor=actor,
        before=before,
        note=answer,
    )
    appeal.refresh_from_db()
    return appeal


@transaction.atomic
def point_entry_delete(*, entry: PointEntry, actor) -> None:
    """Delete an entry staff typed in; the representative's later items renumber.

    The system's entries follow their sources (withdrawn, never deleted) and a claim is
    rejected, never erased: only a staff entry may go, and its audit rows stay."""
    if entry.source != PointEntry.Source.STAFF:
        raise PointsError(_("Only an entry staff typed in can be deleted."))
    before = _entry_state(entry)
    pk, representative_id = entry.pk, entry.representative_id
    entry.delete()
    _touch(entry)
    _audit(
        action=PointAudit.Action.ENTRY_DELETED,
        kind=PointAudit.Kind.ENTRY,
        object_id=pk,
        representative_id=representative_id,
        actor=actor,
        before=before,
    )


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
    """The source of an automatic entry is gone (deleted, alone, in bulk or by a cascade):
    its entry is kept as withdrawn, scoring nothing."""
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
    """Every shift of the day's roster to its entry (served earns; unserved or cancelled,
    none); returns the number of shifts."""
    count = 0
    for shift in duty_day.shifts.select_related("representative"):
        shift.duty_day = duty_day
        duty_shift_sync(shift=shift)
        count += 1
    return count


def _cancelled(model, obj, kind: str, action: str, actor) -> bool:
    """Mark ``obj`` cancelled, compare-and-set, with its audit row; False if it already was."""
    if not model.objects.filter(pk=obj.pk, is_cancelled=False).update(is_cancelled=True):
        return False
    obj.is_cancelled = True
    _audit(
        action=action,
        kind=kind,
        object_id=obj.pk,
        actor=actor,
        before={"is_cancelled": False},
        after={"is_cancelled": True},
        note=str(obj),
    )
    return True


@transaction.atomic
def activity_cancel(*, activity: Activity, actor) -> bool:
    """Cancel an activity: its attendance entries are withdrawn. False if already cancelled."""
    kind, action = PointAudit.Kind.ACTIVITY, PointAudit.Action.ACTIVITY_CANCELLED
    if not _cancelled(Activity, activity, kind, action, actor):
        return False
    activity_sync(activity=activity)
    return True


@transaction.atomic
def duty_day_cancel(*, duty_day: DutyDay, actor) -> bool:
    """Cancel a duty day: its roster's entries are withdrawn. False if already cancelled."""
    kind, action = PointAudit.Kind.DUTY_DAY, PointAudit.Action.DUTY_DAY_CANCELLED
    if not _cancelled(DutyDay, duty_day, kind, action, actor):
        return False
    duty_day_sync(duty_day=duty_day)
    return True


def _attendance_state(attendance) -> dict:
    return {"status": attendance.status, "excuse_approved": attendance.excuse_approved}


@transaction.atomic
def excuse_approve(*, attendance: Attendance, actor) -> bool:
    """Approve the excuse of an excused absence: its deduction is withdrawn. Compare-and-set:
    False if it was no excuse waiting for approval."""
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
    """Save an attendance row as staff edited it, and its entry with it.

    Who approved an excuse is kept, and unticking it (or changing the status) clears them.
    A new row, or a changed status or approval, appends an audit row."""
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
    accepted or merged away earns nothing."""
    rep = petition.representative
    if rep is None:
        return None
    reached = petition.reported_at is not None and petition.step not in ("rejected", "merged")
    code = "concern" if reached and petition.channel in PETITION_CHANNELS else None
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


def pending_q() -> Q:
    return Q(status=PointEntry.Status.PENDING)
