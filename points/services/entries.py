"""Entries a person adds or reviews: claims and staff entries, approval and rejection,
appeals and their answers, deletion of a staff entry; the renumbering of a rule's items
and the audit rows every change appends.

Names starting with ``_`` are shared inside ``points.services`` only.
"""

import unicodedata
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from points import scoring
from points.models import Appeal, PointAudit, PointEntry, PointRule, Publication
from points.services.table import rule_for

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
    """Delete an entry staff typed in; later items renumber, its audit rows stay."""
    # The system's entries follow their sources (withdrawn, never deleted) and a claim is
    # rejected, never erased: only what staff typed in may go.
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
