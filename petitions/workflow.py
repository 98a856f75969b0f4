"""The six-step loop. The ONLY module that changes a petition's step.

``ACTIONS`` (``petitions/actions.py``) is the one table of what may happen: from which
steps, to which step, and who may do it. ``allowed_actions`` reads it to draw the buttons; every transition function
checks it again before touching the database. Each transition runs in one transaction, is a
compare-and-set on the step (two people acting at once: one wins, the other gets
``TransitionConflict``), and appends a ``PetitionEvent``.

A concern is born in ``services.petition_receive``; only the functions below move it on.
"""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.models import HandlingUnit
from liaison.public_cache import public_pages_changed
from liaison.roles import roles_for
from petitions import notifications, rules
from petitions.actions import ACTIONS, Action  # noqa: F401 (workflow.ACTIONS, workflow.Action)
from petitions.deadlines import Calendar
from petitions.errors import TransitionConflict, TransitionNotAllowed, WorkflowError
from petitions.events import event_append
from petitions.models import (
    MAX_REOPENS,
    OPEN_STEPS,
    Category,
    Petition,
    PetitionEvent,
    ResultAttachment,
    Step,
    Survey,
)
from petitions.signals import petition_step_changed

# --- who may act: the table is petitions/actions.py -----------------------------------------


def allowed_actions(petition: Petition, user) -> list[Action]:
    """The actions ``user`` may take on ``petition`` now: the buttons to draw. One query,
    however many actions the step has."""
    roles = roles_for(user)
    candidates = [a for a in ACTIONS.values() if petition.step in a.from_steps]
    if not candidates or not roles.is_anyone:
        return []
    verdict = rules.judge(roles, petition.pk, {a.name: a.who for a in candidates})
    return [a for a in candidates if verdict[a.name]]


def _check(action: str, petition: Petition, actor) -> Action:
    spec = ACTIONS[action]
    if petition.step not in spec.from_steps:
        raise TransitionNotAllowed(
            _("This cannot be done while the concern is “%(step)s”.")
            % {"step": petition.get_step_display()}
        )
    # Judged on the row as it is now, inside the transition's transaction.
    if not rules.judge(roles_for(actor), petition.pk, {action: spec.who})[action]:
        raise TransitionNotAllowed(_("You may not do this to this concern."))
    return spec


# --- the machinery -------------------------------------------------------------------------


def _compare_and_set(petition: Petition, *, from_step: str, to_step: str, **fields) -> None:
    """Move ``petition`` from ``from_step`` to ``to_step`` only if nobody moved it first."""
    updated = Petition.objects.filter(pk=petition.pk, step=from_step).update(
        step=to_step, updated_at=timezone.now(), **fields
    )
    if updated != 1:
        raise TransitionConflict()


def _transition(
    petition, *, action, actor, note="", is_public=True, actor_kind=None, to_step=None, **fields
):
    spec = ACTIONS.get(action)
    from_step = petition.step
    to_step = to_step or spec.to_step
    _compare_and_set(petition, from_step=from_step, to_step=to_step, **fields)
    event = event_append(
        petition=petition,
        kind=PetitionEvent.Kind.TRANSITION,
        action=action,
        from_step=from_step,
        to_step=to_step,
        actor=actor,
        note=note,
        is_public=is_public,
        actor_kind=actor_kind,
    )
    petition.refresh_from_db()
    petition_step_changed.send(sender=Petition, petition=petition, action=action)
    return event


def _today() -> date:
    return timezone.localdate()


# --- collect, reject, merge ------------------------------------------------------------------


_KEEP = object()  # petition_collect: keep the accused recorded at receipt


@transaction.atomic
def petition_collect(
    *,
    petition,
    actor,
    category: Category,
    level: str,
    town=None,
    village=None,
    note: str = "",
    accused_unit=_KEEP,
    accused_representative=_KEEP,
):
    """Verify and classify a received concern (收集问题); for an accusation, name whom it
    accuses (Art. 30), or nobody: it may report a matter without knowing who is behind it."""
    _check("collect", petition, actor)
    if level not in Petition.Level.values:
        raise WorkflowError(_("Choose town level or county level."))
    town = town or (village.town if village else petition.town)
    if town is None:
        raise WorkflowError(_("Choose the town the concern belongs to."))
    if accused_unit is _KEEP:
        accused_unit = petition.accused_unit
    if accused_representative is _KEEP:
        accused_representative = petition.accused_representative
    if (accused_unit or accused_representative) and not category.is_accusation:
        raise WorkflowError(
            _(
                "Only an accusation names an accused unit or representative: "
                "choose an accusation category, or leave them empty."
            )
        )
    return _transition(
        petition,
        action="collect",
        actor=actor,
        note=note,
        category=category,
        level=level,
        town=town,
        village=village or petition.village,
        accused_unit=accused_unit,
        accused_representative=accused_representative,
    )


@transaction.atomic
def petition_reject(*, petition, actor, reason: str, guidance: str):
    """Do not accept a concern (不予受理): a reason and guidance for the citizen."""
    _check("reject", petition, actor)
    if not reason.strip() or not guidance.strip():
        raise WorkflowError(_("Give both the reason and guidance on where to turn."))
    event = _transition(
        petition,
        action="reject",
        actor=actor,
        note=reason,
        rejection_reason=reason,
        guidance=guidance,
        closed_at=timezone.now(),
        warning="",  # the acceptance limit's card ends with the decision
    )
    notifications.petition_closed_for_citizen(petition, actor=actor)
    return event


@transaction.atomic
def petition_merge(*, petition, actor, into: Petition, note: str = ""):
    """Merge a duplicate into a common issue (共性问题); it follows that issue from now on."""
    _check("merge", petition, actor)
    if into.pk == petition.pk or into.step not in OPEN_STEPS:
        raise WorkflowError(_("Choose another open concern to merge into."))
    return _transition(
        petition,
        action="merge",
        actor=actor,
        note=note or _("Merged into %(no)s.") % {"no": into.tracking_no},
        merged_into=into,
        outcome=Petition.Outcome.DUPLICATE,
        closed_at=timezone.now(),
        warning="",
    )


# --- assign, accept, return -----------------------------------------------------------------


@transaction.atomic
def petition_assign(
    *, petition, actor, unit: HandlingUnit, deadline: date | None = None, note: str = ""
):
    """Hand a collected concern to a handling unit with a deadline (分级交办)."""
    _check("assign", petition, actor)
    if not unit.is_active:
        raise WorkflowError(_("This unit is no longer active."))
    # The row's accused unit too: the caller's copy may predate its collect.
    stored = Petition.objects.filter(pk=petition.pk).values_list("accused_unit_id", flat=True)
    if unit.pk in (petition.accused_unit_id, *stored):
        raise WorkflowError(_("An accusation may never be assigned to the unit it accuses."))
    calendar = Calendar.from_db()
    latest = calendar.add_days(_today(), settings.PETITION_HANDLE_DAYS)
    deadline = calendar.next_working_day(deadline) if deadline else latest
    if deadline < _today() or deadline > latest:
        raise WorkflowError(
            _("The deadline must be between today and %(latest)s.") % {"latest": latest}
        )
    event = _transition(
        petition,
        action="assign",
        actor=actor,
        note=note,
        unit=unit,
        deadline=deadline,
        deadline_estimated=calendar.is_estimated(deadline),
        assigned_at=timezone.now(),
        warning="",
    )
    notifications.petition_assigned(petition, actor=actor)
    return event


@transaction.atomic
def petition_accept(*, petition, actor):
    """The unit acknowledges the assignment and starts work (签收)."""
    _check("accept", petition, actor)
    return _transition(petition, action="accept", actor=actor)


def return_deadline(petition: Petition) -> date | None:
    if petition.assigned_at is None:
        return None
    start = timezone.localdate(petition.assigned_at)
    return Calendar.from_db().add_working_days(start, settings.PETITION_RETURN_WORKING_DAYS)


@transaction.atomic
def petition_return(*, petition, actor, reason: str):
    """A unit returns a wrong assignment within 5 working days (信访工作条例 Art. 23)."""
    _check("return", petition, actor)
    if not reason.strip():
        raise WorkflowError(_("Say why the assignment is wrong."))
    last_day = return_deadline(petition)
    if last_day is not None and _today() > last_day:
        raise WorkflowError(
            _("The time to return this assignment ended on %(date)s.") % {"date": last_day}
        )
    event = _transition(
        petition,
        action="return",
        actor=actor,
        note=reason,
        is_public=False,
        unit=None,
        deadline=None,
        assigned_at=None,
        warning="",
    )
    notifications.petition_returned(petition, reason=reason, actor=actor)
    return event


# --- supervise ---------------------------------------------------------------------------------


def _same_step_event(petition, *, action, actor, kind, note, is_public=False):
    """An event that does not change the step, still guarded like a transition."""
    _check(action, petition, actor)
    # Lock the row so a note never lands on a petition that moved on under our feet.
    locked = Petition.objects.select_for_update().get(pk=petition.pk)
    if locked.step != petition.step:
        raise TransitionConflict()
    return event_append(
        petition=petition,
        kind=kind,
        action=action,
        from_step=petition.step,
        to_step=petition.step,
        actor=actor,
        note=note,
        is_public=is_public,
    )


@transaction.atomic
def petition_add_note(*, petition, actor, note: str):
    """A supervision note (督办), for staff, the representative and the unit."""
    if not note.strip():
        raise WorkflowError(_("Write the note first."))
    return _same_step_event(
        petition, action="note", actor=actor, kind=PetitionEvent.Kind.NOTE, note=note
    )


@transaction.atomic
def petition_mark_micro_matter(*, petition, actor, is_micro_matter: bool, was: bool):
    """微实事: mark (or unmark) a concern from a grid's village as a small matter solved in
    its grid. A compare-and-set on the flag as the actor saw it (``was``): two people
    toggling at once do not undo each other unseen."""
    _check("micro_matter", petition, actor)
    if is_micro_matter == was:
        raise WorkflowError(_("Nothing to change: the concern is already so."))
    updated = Petition.objects.filter(
        pk=petition.pk, step=petition.step, is_micro_matter=was
    ).update(is_micro_matter=is_micro_matter, updated_at=timezone.now())
    if updated != 1:
        raise TransitionConflict()
    petition.is_micro_matter = is_micro_matter
    # The grid's public page counts its 微实事 (an update sends no signal).
    public_pages_changed()
    return event_append(
        petition=petition,
        kind=PetitionEvent.Kind.NOTE,
        action="micro_matter",
        from_step=petition.step,
        to_step=petition.step,
        actor=actor,
        note=_("Marked as a small matter solved in its grid (微实事).")
        if is_micro_matter
        else _("No longer a small matter (微实事)."),
    )


@transaction.atomic
def petition_remind(*, petition, actor, note: str = ""):
    """A reminder to the unit (催办)."""
    event = _same_step_event(
        petition, action="remind", actor=actor, kind=PetitionEvent.Kind.REMINDER, note=note
    )
    notifications.petition_reminded(petition, note=note, actor=actor)
    return event


@transaction.atomic
def petition_reply(*, petition, actor, text: str):
    """A public reply, shown to the citizen on the tracking page."""
    if not text.strip():
        raise WorkflowError(_("Write the reply first."))
    return _same_step_event(
        petition,
        action="reply",
        actor=actor,
        kind=PetitionEvent.Kind.REPLY,
        note=text,
        is_public=True,
    )


@transaction.atomic
def petition_legal_advice(*, petition, actor, text: str, is_public: bool):
    """A legal worker's advice (法律意见); the citizen reads it on the tracking page when
    ``is_public``, signed "legal worker", never by name."""
    if not text.strip():
        raise WorkflowError(_("Write the advice first."))
    return _same_step_event(
        petition,
        action="legal_advice",
        actor=actor,
        kind=PetitionEvent.Kind.LEGAL_ADVICE,
        note=text,
        is_public=is_public,
    )


# --- report, survey, close ------------------------------------------------------------------


@transaction.atomic
def petition_report(
    *,
    petition,
    actor,
    result: str,
    outcome: str,
    attachments: Iterable = (),
    public_attachments: Iterable = (),
):
    """The unit's result (结果反馈), shown to the citizen; ``attachments`` only to staff,
    ``public_attachments`` (already checked: a re-encoded photo or a PDF) to the citizen
    as well."""
    _check("report", petition, actor)
    if not result.strip():
        raise WorkflowError(_("Describe the result."))
    if outcome not in Petition.Outcome.values:
        raise WorkflowError(_("Choose the closing outcome."))
    event = _transition(
        petition,
        action="report",
        actor=actor,
        note=result,
        result_text=result,
        outcome=outcome,
        reported_at=timezone.now(),
        warning="",
    )
    for upload in attachments:
        ResultAttachment.objects.create(petition=petition, file=upload, name=upload.name[:120])
    for upload in public_attachments:
        ResultAttachment.objects.create(
            petition=petition, file=upload, name=upload.name[:120], is_public=True
        )
    notifications.petition_reported(petition, actor=actor)
    return event


@transaction.atomic
def petition_survey(*, petition, rating: str, comment: str = "", actor=None):
    """Rate a reported result (满意度测评): by the citizen through the tracking link
    (``actor`` None) or recorded by staff or the representative after a phone call.

    满意 / 基本满意 close the concern. 不满意 sends it back to supervising with a new
    deadline, at most twice; the third rating closes it with the rating kept.
    """
    if actor is not None:
        _check("record_survey", petition, actor)
    elif petition.step != Step.REPORTED:
        raise TransitionNotAllowed(_("This concern is not waiting for your rating."))
    # Two ratings at once: the second waits here, then finds the step moved on.
    locked = Petition.objects.select_for_update().get(pk=petition.pk)
    if locked.step != petition.step or locked.reopen_count != petition.reopen_count:
        raise TransitionConflict(_("This concern has just been rated. Reload the page."))
    if rating not in Survey.Rating.values:
        raise WorkflowError(_("Choose satisfied, basically satisfied or unsatisfied."))
    actor_kind = PetitionEvent.ActorKind.USER if actor else PetitionEvent.ActorKind.CITIZEN
    round_no = petition.reopen_count + 1
    Survey.objects.create(
        petition=petition,
        round=round_no,
        rating=rating,
        comment=comment,
        by_citizen=actor is None,
        recorded_by=actor,
    )
    # The concern's latest rating, counted by the statistics (the row is locked above).
    Petition.objects.filter(pk=petition.pk).update(rating=rating)
    label = Survey.Rating(rating).label
    note = f"{label}：{comment}" if comment else str(label)
    if actor is not None:
        note = _("Recorded after a phone call: %(note)s") % {"note": note}
    if rating == Survey.Rating.UNSATISFIED and petition.reopen_count < MAX_REOPENS:
        calendar = Calendar.from_db()
        deadline = calendar.add_days(_today(), settings.PETITION_REOPEN_DAYS)
        event = _transition(
            petition,
            action="reopen",
            to_step=Step.SUPERVISING,
            actor=actor,
            actor_kind=actor_kind,
            note=note,
            reopen_count=F("reopen_count") + 1,
            # The unit reports again; until then no outcome stands (the old result stays
            # in the history).
            outcome="",
            deadline=deadline,
            deadline_estimated=calendar.is_estimated(deadline),
            warning="",
        )
        notifications.petition_reopened(petition, actor=actor)
        return event
    _transition(
        petition,
        action="survey",
        to_step=Step.SURVEYED,
        actor=actor,
        actor_kind=actor_kind,
        note=note,
    )
    return _transition(
        petition,
        action="close",
        to_step=Step.CLOSED,
        actor=None,
        note="",
        closed_at=timezone.now(),
    )


@transaction.atomic
def petition_close(*, petition, actor, note: str):
    """Close a reported concern whose citizen cannot be reached for a rating."""
    _check("close", petition, actor)
    if not note.strip():
        raise WorkflowError(_("Say why the concern is closed without a rating."))
    return _transition(petition, action="close", actor=actor, note=note, closed_at=timezone.now())
