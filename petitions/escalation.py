"""More time and 督办: the actions of ``workflow.ACTIONS`` that watch a unit's deadline.

Kept beside ``petitions/workflow.py`` (which must stay under 600 lines) and going through
its one path: ``workflow._same_step_event`` checks the action table's rule for the actor,
locks the row, and appends the event; the step never changes here.

- A unit asks once for at most 30 more days, with a reason (信访工作条例 Art. 34); county
  staff approve it (perhaps fewer days: the deadline moves by them on the working-day
  calendar) or refuse it with a reason. Either answer ends the request: never a second one.
- A red card (the deadline passed) is escalated by whoever assigns the concern: 催办 (a
  reminder), 约谈 (the unit's head interviewed: a date and a note), 通报 (a public notice,
  counted per unit in the statistics), 挂牌督办 (flagged for the standing committee). Each
  tells the unit; the citizen's tracking page says only "督办中", naming nobody.
"""

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import notifications
from petitions.deadlines import Calendar
from petitions.errors import TransitionConflict, WorkflowError
from petitions.models import MAX_EXTENSION_DAYS, ExtensionStatus, Petition, PetitionEvent

# The one guarded path of an action that keeps the step (rule, row lock, event): shared
# with workflow.py, never written twice.
from petitions.workflow import _check, _same_step_event


def _extension_event(petition, *, action, actor, note, is_public=False):
    return _same_step_event(
        petition,
        action=action,
        actor=actor,
        kind=PetitionEvent.Kind.EXTENSION,
        note=note,
        is_public=is_public,
    )


def _update(petition, *, expect: dict, **fields) -> None:
    """Compare-and-set on the row locked by ``_same_step_event``: a second request or a
    second answer at the same moment finds the status changed and is refused."""
    updated = Petition.objects.filter(pk=petition.pk, **expect).update(
        updated_at=timezone.now(), **fields
    )
    if updated != 1:
        raise TransitionConflict()
    petition.refresh_from_db()


# --- extension: request, approve, refuse -----------------------------------------------------


@transaction.atomic
def petition_request_extension(*, petition, actor, days: int, reason: str):
    """The unit asks for ``days`` more days (at most once, at most 30), with a reason."""
    _check("request_extension", petition, actor)  # who and when first, then what
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise WorkflowError(_("An extension is 1 to %(max)d days.") % {"max": MAX_EXTENSION_DAYS})
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the extension."))
    if petition.extension_status:
        raise WorkflowError(_("More time can be asked for only once."))
    if petition.deadline is None:
        raise WorkflowError(_("This concern has no deadline to extend."))
    event = _extension_event(
        petition,
        action="request_extension",
        actor=actor,
        note=_("%(days)d more days asked: %(reason)s") % {"days": days, "reason": reason},
    )
    _update(
        petition,
        expect={"extension_status": ExtensionStatus.NONE},
        extension_status=ExtensionStatus.REQUESTED,
        extension_requested_days=days,
        extension_reason=reason,
    )
    notifications.petition_extension_requested(petition, actor=actor)
    return event


def _check_pending(petition) -> None:
    if petition.extension_status != ExtensionStatus.REQUESTED:
        raise WorkflowError(_("No request for more time is waiting for an answer."))


@transaction.atomic
def petition_approve_extension(*, petition, actor, days: int | None = None):
    """County staff grant the request, perhaps for fewer days: the deadline moves by the
    granted days on the working-day calendar (a day off at the end moves it on)."""
    _check("approve_extension", petition, actor)
    _check_pending(petition)
    asked = petition.extension_requested_days
    days = asked if days is None else days
    if not 1 <= days <= asked:
        raise WorkflowError(_("Grant 1 to %(max)d days.") % {"max": asked})
    calendar = Calendar.from_db()
    new_deadline = calendar.add_days(petition.deadline, days)
    event = _extension_event(
        petition,
        action="approve_extension",
        actor=actor,
        # Public: the citizen sees the new date, nothing else (the unit's reason stays with
        # staff).
        note=_("Deadline extended by %(days)d days to %(date)s.")
        % {"days": days, "date": new_deadline},
        is_public=True,
    )
    _update(
        petition,
        expect={"extension_status": ExtensionStatus.REQUESTED, "extension_days": 0},
        extension_status=ExtensionStatus.APPROVED,
        extension_days=days,
        deadline=new_deadline,
        deadline_estimated=calendar.is_estimated(new_deadline),
        warning="",
    )
    notifications.petition_extension_answered(petition, actor=actor)
    return event


@transaction.atomic
def petition_refuse_extension(*, petition, actor, reason: str):
    """County staff refuse the request, with a reason; the deadline stands."""
    _check("refuse_extension", petition, actor)
    _check_pending(petition)
    if not reason.strip():
        raise WorkflowError(_("Say why the extension is refused."))
    event = _extension_event(
        petition,
        action="refuse_extension",
        actor=actor,
        note=_("Extension refused: %(reason)s") % {"reason": reason},
    )
    _update(
        petition,
        expect={"extension_status": ExtensionStatus.REQUESTED},
        extension_status=ExtensionStatus.REFUSED,
    )
    notifications.petition_extension_answered(petition, actor=actor)
    return event


# --- escalation (督办) of a red card -----------------------------------------------------------


def _escalate(petition, *, action, actor, note, **fields):
    # The action's rule (rules.escalator) requires the red card; judged on the locked row.
    event = _same_step_event(
        petition, action=action, actor=actor, kind=PetitionEvent.Kind.ESCALATION, note=note
    )
    _update(
        petition,
        expect={"step": petition.step},
        escalated_at=F("escalated_at") if petition.escalated_at else timezone.now(),
        **fields,
    )
    notifications.petition_escalated(petition, action=action, actor=actor)
    return event


@transaction.atomic
def petition_urge(*, petition, actor, note: str = ""):
    """催办: a formal reminder to the unit that its deadline has passed."""
    return _escalate(petition, action="urge", actor=actor, note=note)


@transaction.atomic
def petition_interview(*, petition, actor, on: date, note: str):
    """约谈: the unit's head is called in on ``on``; the note says who and why."""
    _check("interview", petition, actor)
    if not note.strip():
        raise WorkflowError(_("Say who is interviewed and why."))
    if on < timezone.localdate():
        raise WorkflowError(_("The interview cannot be in the past."))
    text = _("Interview on %(date)s: %(note)s") % {"date": on, "note": note}
    return _escalate(petition, action="interview", actor=actor, note=text)


@transaction.atomic
def petition_public_notice(*, petition, actor, note: str):
    """通报: the unit is named in a public notice; counted per unit in the statistics."""
    _check("public_notice", petition, actor)
    if not note.strip():
        raise WorkflowError(_("Write what the notice says."))
    return _escalate(
        petition,
        action="public_notice",
        actor=actor,
        note=note,
        public_notice_count=F("public_notice_count") + 1,
    )


@transaction.atomic
def petition_flag(*, petition, actor, note: str = ""):
    """挂牌督办: flagged for the standing committee; the flag shows on every list."""
    _check("flag", petition, actor)
    if petition.is_flagged:
        raise WorkflowError(_("This concern is already flagged for the standing committee."))
    return _escalate(petition, action="flag", actor=actor, note=note, is_flagged=True)
