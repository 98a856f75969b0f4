"""Every change to a mediation: ``<entity>_<verb>(*, …, actor)``, each in one transaction that
appends a ``MediationEvent``. Views and the admin call these; nothing else writes the models.

Who may do what is ``mediation/access.py``; each service checks it again on the row it
locked, so a stale page or a forged POST is refused with a clear message.
"""

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.models import Representative, StaffScope
from liaison.people import display_name
from liaison.roles import roles_for
from mediation import access
from mediation.models import Mediation, MediationEvent, Party, Session
from mediation.signals import mediation_closed
from petitions.errors import TransitionConflict, TransitionNotAllowed, WorkflowError
from petitions.models import DROPPED_STEPS, Petition

SCAN_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".ofd"}


class MediationError(WorkflowError):
    """A refused change; ``message`` is shown to the user as is."""


def _event(mediation, kind, actor, note="") -> MediationEvent:
    return MediationEvent.objects.create(
        mediation=mediation, kind=kind, actor=actor, note=note[:300]
    )


def _locked(mediation: Mediation) -> Mediation:
    return Mediation.objects.select_for_update().get(pk=mediation.pk)


def check_scan(upload) -> None:
    """The signed agreement's scan: a PDF, OFD or image, at most the attachments' size."""
    if upload is None:
        return
    ext = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if ext not in SCAN_TYPES:
        raise MediationError(_("Attach the signed agreement as PDF, OFD, JPEG or PNG."))
    if upload.size > settings.PETITION_ATTACHMENT_MAX_BYTES:
        raise MediationError(
            _("Each attachment may be at most %(mb)d MB.")
            % {"mb": settings.PETITION_ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )


@transaction.atomic
def mediation_open(*, petition: Petition, actor) -> Mediation:
    """Open the mediation of a dispute; its representative or legal worker who opens it
    mediates it."""
    petition = (
        # Only the concern's row is locked: PostgreSQL refuses FOR UPDATE on the nullable
        # side of the outer joins (category, station).
        Petition.objects.select_for_update(of=("self",))
        .select_related("category", "station")
        .get(pk=petition.pk)
    )
    if petition.category_id is None or not petition.category.is_dispute:
        raise MediationError(_("Only a concern of a dispute category can be mediated."))
    if petition.step in DROPPED_STEPS:
        raise MediationError(_("A concern not accepted or merged cannot be mediated."))
    if Mediation.objects.filter(petition_id=petition.pk).exists():
        raise TransitionConflict(_("This concern's mediation has already been opened."))
    if not access.may_open(actor, petition):
        raise TransitionNotAllowed(_("You may not open a mediation of this concern."))
    town_id = petition.town_id or (petition.station.town_id if petition.station else None)
    try:
        with transaction.atomic():
            mediation = Mediation.objects.create(
                petition=petition, town_id=town_id, station=petition.station, opened_by=actor
            )
    except IntegrityError:  # opened at the same moment by someone else (the OneToOne)
        raise TransitionConflict(_("This concern's mediation has already been opened.")) from None
    roles = roles_for(actor)
    if (
        roles.representative_id is not None
        and petition.representative_id == roles.representative_id
    ):
        mediation.representatives.add(roles.representative_id)
    if roles.legal_worker:
        mediation.legal_worker = actor
        mediation.save(update_fields=["legal_worker"])
    _event(mediation, MediationEvent.Kind.OPENED, actor, petition.tracking_no)
    return mediation


@transaction.atomic
def party_add(*, mediation: Mediation, name: str, role: str, note: str = "", actor) -> Party:
    """Add a party to an open mediation (county and town staff). The event names the role,
    never the person."""
    mediation = _locked(mediation)
    if not mediation.is_open:
        raise TransitionConflict(_("This mediation is closed."))
    if not access.may_manage(actor, mediation):
        raise TransitionNotAllowed(_("Only county and town congress staff may change this."))
    name = (name or "").strip()
    if not name:
        raise MediationError(_("Enter the party's name."))
    if role not in Party.Role.values:
        raise MediationError(_("Choose the party's role."))
    party = Party.objects.create(mediation=mediation, name=name, role=role, note=note.strip())
    _event(mediation, MediationEvent.Kind.PARTY_ADDED, actor, party.get_role_display())
    return party


def _legal_workers():
    return StaffScope.objects.filter(level=StaffScope.Level.LEGAL)


@transaction.atomic
def mediator_set(*, mediation: Mediation, representatives, legal_worker=None, actor) -> None:
    """Name who mediates an open mediation: representatives and at most one legal worker."""
    mediation = _locked(mediation)
    if not mediation.is_open:
        raise TransitionConflict(_("This mediation is closed."))
    if not access.may_manage(actor, mediation):
        raise TransitionNotAllowed(_("Only county and town congress staff may change this."))
    reps = list(Representative.objects.filter(pk__in=[r.pk for r in representatives]))
    if not reps and legal_worker is None:
        raise MediationError(_("Choose at least one representative or a legal worker."))
    if legal_worker is not None and not _legal_workers().filter(user=legal_worker).exists():
        raise MediationError(_("Choose a legal worker."))
    mediation.representatives.set(reps)
    mediation.legal_worker = legal_worker
    mediation.save(update_fields=["legal_worker"])
    names = "、".join(r.name for r in reps)
    if legal_worker is not None:
        names = "、".join(n for n in [names, display_name(legal_worker)] if n)
    _event(mediation, MediationEvent.Kind.MEDIATORS_SET, actor, names)


@transaction.atomic
def session_add(
    *,
    mediation: Mediation,
    held_on: date,
    place: str,
    representatives=(),
    others: str = "",
    note: str = "",
    actor,
) -> Session:
    """Record a session of an open mediation (its managers and mediators)."""
    mediation = _locked(mediation)
    if not mediation.is_open:
        raise TransitionConflict(_("This mediation is closed."))
    if not access.may_act(actor, mediation):
        raise TransitionNotAllowed(_("Only its mediators and congress staff may do this."))
    if held_on > timezone.localdate():
        raise MediationError(_("A session cannot be recorded before it is held."))
    if held_on < timezone.localdate(mediation.opened_at):
        raise MediationError(_("A session cannot be before the mediation was opened."))
    place = (place or "").strip()
    if not place:
        raise MediationError(_("Enter where the session was held."))
    session = Session.objects.create(
        mediation=mediation,
        held_on=held_on,
        place=place,
        others=others.strip(),
        note=note.strip(),
        created_by=actor,
    )
    session.representatives.set(representatives)
    _event(
        mediation,
        MediationEvent.Kind.SESSION_ADDED,
        actor,
        f"{held_on:%Y-%m-%d} {place}",
    )
    return session


@transaction.atomic
def mediation_close(
    *, mediation: Mediation, outcome: str, agreement: str = "", scan=None, actor
) -> Mediation:
    """Close an open mediation with its outcome (compare-and-set on the status): 调解成功
    needs the agreement's text. Points hear of it (``mediation_closed``)."""
    agreement = (agreement or "").strip()
    if outcome not in (o for o in Mediation.Outcome.values if o):
        raise MediationError(_("Choose the outcome."))
    if outcome == Mediation.Outcome.SUCCESS and not agreement:
        raise MediationError(_("Enter the text of the agreement reached."))
    check_scan(scan)
    current = Mediation.objects.select_related("petition").get(pk=mediation.pk)
    if not current.is_open:
        raise TransitionConflict(_("This mediation is closed."))
    if not access.may_act(actor, current):
        raise TransitionNotAllowed(_("Only its mediators and congress staff may do this."))
    changed = Mediation.objects.filter(pk=mediation.pk, status=Mediation.Status.OPEN).update(
        status=Mediation.Status.CLOSED,
        outcome=outcome,
        agreement=agreement,
        closed_at=timezone.now(),
    )
    if not changed:
        raise TransitionConflict(_("This mediation is closed."))
    current.refresh_from_db()
    if scan is not None:
        current.scan.save(scan.name, scan, save=False)
        current.save(update_fields=["scan"])
    _event(current, MediationEvent.Kind.CLOSED, actor, current.get_outcome_display())
    mediation_closed.send(sender=Mediation, mediation=current)
    return current
