"""What happens to a concern outside the action table of ``petitions/workflow.py``: its
arrival by every channel (a citizen's form, a representative's reception or 随手拍), the
overdue cards, retention. None of these moves a concern from one step to another."""

import secrets
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.models import StationMembership
from petitions import notifications
from petitions.deadlines import Calendar, warning_for
from petitions.errors import WorkflowError
from petitions.events import event_append
from petitions.models import (
    HANDLING_STEPS,
    Petition,
    PetitionEvent,
    PetitionPhoto,
    Reception,
    ScannedLetter,
    Step,
)
from petitions.photos import save_photo
from petitions.tracking import hash_token, next_tracking_no, token_for_submit_key

# --- receiving a concern, by any channel ---------------------------------------------------


def petition_receive(
    *,
    channel: str,
    text: str,
    representative=None,
    station=None,
    category=None,
    village=None,
    town=None,
    citizen_name: str = "",
    citizen_phone: str = "",
    consent: bool = False,
    submit_key=None,
    actor=None,
    photos: Iterable[bytes] = (),
    letters: Iterable[tuple[str, bytes, int]] = (),
    source_activity=None,
    handled_on_the_spot: bool = False,
    received_on: date | None = None,
    entered_by=None,
    accused_unit=None,
    accused_representative=None,
    visit=None,
) -> tuple[Petition, str, bool]:
    """Receive a concern by any channel. Returns (petition, tracking token, created).

    With a ``submit_key`` the call is idempotent: the same form sent twice gives the same
    petition and token, and ``created`` is False the second time.

    Staff entering a concern that reached them by phone, letter, the petition hall, the 12345
    hotline or an activity give ``entered_by`` (the event's actor), ``received_on`` (the day
    it reached them, never later than today: the acceptance limit counts from it),
    ``source_activity`` and ``letters``: (file name, PDF bytes already checked, page count).
    ``handled_on_the_spot`` (现场办理) says the official present at ``source_activity``
    answered it there; it needs the activity and is never changed afterwards.
    """
    if handled_on_the_spot and source_activity is None:
        # The form says so in words; this guards every other caller.
        raise ValueError("only a concern raised at an activity is handled on the spot")
    saved = []
    try:
        with transaction.atomic():
            actor = actor or entered_by
            if submit_key is not None:
                existing = Petition.objects.filter(submit_key=submit_key).first()
                if existing is not None:
                    return existing, token_for_submit_key(submit_key), False
                token = token_for_submit_key(submit_key)
            else:
                token = secrets.token_urlsafe(24)
            if town is None:
                if village is not None:
                    town = village.town
                elif station is not None:
                    town = station.town
            now = timezone.now()
            today = timezone.localdate(now)
            if received_on is None:
                received_on = today
            elif received_on > today:
                # The form says so in words; this guards every other caller.
                raise ValueError("a concern cannot be received in the future")
            calendar = Calendar.from_db()
            # The acceptance limit counts from the day the concern reached us (intake: perhaps
            # before it was typed in).
            collect_by = calendar.add_days(received_on, settings.PETITION_COLLECT_DAYS)
            try:
                with transaction.atomic():
                    petition = Petition.objects.create(
                        tracking_no=next_tracking_no(timezone.localdate(now).year),
                        token_hash=hash_token(token),
                        submit_key=submit_key,
                        channel=channel,
                        text=text,
                        representative=representative,
                        station=station,
                        category=category,
                        village=village,
                        town=town,
                        citizen_name=citizen_name,
                        citizen_phone=citizen_phone,
                        consent_at=now if consent else None,
                        received_on=received_on,
                        collect_by=collect_by,
                        collect_by_estimated=calendar.is_estimated(collect_by),
                        source_activity=source_activity,
                        handled_on_the_spot=bool(handled_on_the_spot),
                        accused_unit=accused_unit,
                        accused_representative=accused_representative,
                        visit=visit,
                    )
            except IntegrityError:
                # The same form, sent twice at the same moment: the other request created it.
                if submit_key is None:
                    raise
                return Petition.objects.get(submit_key=submit_key), token, False
            for data in photos:
                saved.append(save_photo(petition=petition, data=data).image)
            for name, data, pages in letters:
                letter = ScannedLetter(petition=petition, name=name[:120], pages=pages)
                letter.file.save("letter.pdf", ContentFile(data), save=False)
                saved.append(letter.file)
                letter.save()
            event_append(
                petition=petition,
                kind=PetitionEvent.Kind.TRANSITION,
                action="receive",
                to_step=Step.RECEIVED,
                actor=actor,
                actor_kind=PetitionEvent.ActorKind.USER
                if actor
                else PetitionEvent.ActorKind.CITIZEN,
                is_public=True,
            )
            notifications.petition_received(petition, actor=actor)
            return petition, token, True
    except Exception:
        # The transaction rolled back: a failed statement, or its commit (the database went
        # away: tests/integration/test_pg_restart.py). The files written for it name no row:
        # ours to remove, or a citizen's photo stays on disk that no page shows or erases.
        for file in saved:
            file.delete(save=False)
        raise


# --- the overdue job: yellow and red cards ---------------------------------------------------


# Steps whose limit is the 15-day acceptance decision (collect_by, 信访工作条例 Art. 22–23)
# and steps whose limit is the unit's deadline: one card column, one beat job for both.
COLLECT_STEPS = (Step.RECEIVED, Step.COLLECTED)
CARDED_STEPS = (*COLLECT_STEPS, *HANDLING_STEPS)


def card_for(*, petition: Petition, today: date, calendar: Calendar) -> str:
    """The card a petition should carry today. Its acceptance limit: yellow from 3 working
    days before ``collect_by``, red after it. A unit's deadline: yellow within
    PETITION_WARNING_DAYS, red after it."""
    if petition.step in COLLECT_STEPS:
        if petition.collect_by is None:
            return ""
        if today > petition.collect_by:
            return Petition.Warning.RED
        if calendar.working_days_between(today, petition.collect_by) <= (
            settings.PETITION_WARNING_DAYS
        ):
            return Petition.Warning.YELLOW
        return ""
    return warning_for(
        deadline=petition.deadline, today=today, warn_days=settings.PETITION_WARNING_DAYS
    )


def petition_update_warning(
    *, petition: Petition, today: date | None = None, calendar: Calendar | None = None
) -> bool:
    """Set the yellow/red card of one petition waiting for its acceptance decision or
    assigned to a unit. Returns True when the colour changed (and those concerned were
    notified, once per change)."""
    new = card_for(
        petition=petition,
        today=today or timezone.localdate(),
        calendar=calendar or Calendar.from_db(),
    )
    if new == petition.warning:
        return False
    with transaction.atomic():
        # Compare-and-set on the colour and step: two runs at once change it, and notify,
        # once; a concern that moved on meanwhile is judged by the next run.
        updated = Petition.objects.filter(
            pk=petition.pk, warning=petition.warning, step=petition.step
        ).update(warning=new)
        if updated != 1:
            return False
        petition.warning = new
        if new:
            collecting = petition.step in COLLECT_STEPS
            label = str(Petition.Warning(new).label)
            event_append(
                petition=petition,
                kind=PetitionEvent.Kind.WARNING,
                action=new,
                from_step=petition.step,
                to_step=petition.step,
                note=_("%(card)s (deciding acceptance)") % {"card": label} if collecting else label,
            )
            if collecting:
                notifications.petition_collect_warning(petition)
            else:
                notifications.petition_warning(petition)
    return True


def petitions_mark_warnings(*, today=None) -> int:
    """Yellow/red cards for every petition waiting for its acceptance decision or assigned
    to a unit; returns how many changed. A loop of small compare-and-set steps: safe to run
    twice at once, and idempotent."""
    today = today or timezone.localdate()
    calendar = Calendar.from_db()
    changed = 0
    qs = Petition.objects.filter(
        Q(step__in=HANDLING_STEPS, deadline__isnull=False)
        | Q(step__in=COLLECT_STEPS, collect_by__isnull=False)
    ).select_related("unit", "station", "representative", "category")
    for petition in qs.iterator(chunk_size=500):
        if petition_update_warning(petition=petition, today=today, calendar=calendar):
            changed += 1
    return changed


def overdue_q() -> Q:
    return Q(step__in=HANDLING_STEPS, deadline__lt=timezone.localdate())


# --- retention ----------------------------------------------------------------------------


def petitions_anonymise_expired() -> int:
    """Erase the citizen's name, phone, photos and scanned letters from concerns closed longer
    ago than the retention period (个人信息保护法 Art. 19, 47). The concern and its history
    stay."""
    cutoff = timezone.now() - timedelta(days=settings.PETITION_RETENTION_DAYS)
    expired = Petition.objects.filter(
        Q(citizen_name__gt="")
        | Q(citizen_phone__gt="")
        | Q(photos__isnull=False)
        | Q(letters__isnull=False),
        closed_at__lt=cutoff,
    )
    ids = list(expired.values_list("pk", flat=True).distinct()[:1000])
    for photo in PetitionPhoto.objects.filter(petition_id__in=ids):
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)  # the same photo, smaller
        photo.delete()
    # A letter carries the citizen's name and address in their own hand.
    for letter in ScannedLetter.objects.filter(petition_id__in=ids):
        letter.file.delete(save=False)
        letter.delete()
    return Petition.objects.filter(pk__in=ids).update(citizen_name="", citizen_phone="")


# --- what a representative records on a phone: a walk-in reception, a 随手拍 ------------------


def _check_text(text: str) -> str:
    text = text.strip()
    if not settings.PETITION_TEXT_MIN <= len(text) <= settings.PETITION_TEXT_MAX:
        raise WorkflowError(
            _("Describe the concern in %(min)d to %(max)d characters.")
            % {"min": settings.PETITION_TEXT_MIN, "max": settings.PETITION_TEXT_MAX}
        )
    return text


def _check_replay(petition: Petition, *, representative, channel: str) -> None:
    """A one-time form key only ever gives back its own petition to the one who sent it."""
    if petition.representative_id != representative.pk or petition.channel != channel:
        raise WorkflowError(_("This form has already been used. Open a new one."))


def reception_record(
    *,
    representative,
    station,
    actor,
    text: str = "",
    matter: str = "",
    category=None,
    citizen_name: str = "",
    citizen_phone: str = "",
    consent: bool = False,
    checklist=(),
    submit_key=None,
) -> tuple[Reception, str | None, bool]:
    """Record a walk-in reception (接待选民) and the intake part of its "六个一" checklist.
    A visitor who raises a concern (``text``) gets a petition of channel ``reception``;
    one who does not is recorded by ``matter`` alone. Returns (reception, tracking token or
    None, created); idempotent by ``submit_key``."""
    unknown = set(checklist) - set(Reception.CHECKLIST)
    if unknown:
        raise ValueError(f"Unknown checklist items: {sorted(unknown)}")
    # "一个反馈" and "一个满意" are not promises made at the desk: they follow from the
    # concern's result and rating (Reception.has_feedback, is_satisfied), or are ticked later.
    checklist = set(checklist) & set(Reception.INTAKE_CHECKLIST)
    if not representative.is_active:
        raise WorkflowError(_("Only an active representative can record a reception."))
    if not StationMembership.objects.filter(
        representative=representative, station=station, station__is_active=True
    ).exists():
        raise WorkflowError(_("You can record receptions only at your own stations."))
    matter = matter.strip()
    if not text.strip() and not matter:
        raise WorkflowError(_("Say in a few words what the visitor came about."))
    if submit_key is not None:
        existing = Reception.objects.filter(submit_key=submit_key).first()
        if existing is not None:
            if existing.representative_id != representative.pk:
                raise WorkflowError(_("This form has already been used. Open a new one."))
            token = token_for_submit_key(submit_key) if existing.petition_id else None
            return existing, token, False
    petition = token = None
    with transaction.atomic():
        if text.strip():
            # Personal data only with the citizen's consent (个人信息保护法 Art. 13–14).
            if (citizen_name.strip() or citizen_phone.strip()) and not consent:
                raise WorkflowError(
                    _("Record the citizen's name or phone only after they agreed to it.")
                )
            petition, token, created = petition_receive(
                channel=Petition.Channel.RECEPTION,
                text=_check_text(text),
                representative=representative,
                station=station,
                category=category,
                citizen_name=citizen_name.strip(),
                citizen_phone=citizen_phone.strip(),
                consent=consent,
                submit_key=submit_key,
                actor=actor,
            )
            if not created:
                _check_replay(
                    petition, representative=representative, channel=Petition.Channel.RECEPTION
                )
                return petition.reception, token, False
        try:
            with transaction.atomic():
                reception = Reception.objects.create(
                    petition=petition,
                    matter=matter[:100],
                    station=station,
                    representative=representative,
                    recorded_by=actor,
                    submit_key=submit_key,
                    **{item: item in checklist for item in Reception.INTAKE_CHECKLIST},
                )
        except IntegrityError:
            # The same form, sent twice at the same moment: the other request recorded it.
            if submit_key is None or petition is not None:
                raise
            return Reception.objects.get(submit_key=submit_key), None, False
    return reception, token, True


@transaction.atomic
def reception_tick(*, reception: Reception, representative, feedback: bool, satisfied: bool):
    """Tick "一个反馈" and "一个满意" of a reception without a concern, later, by its own
    representative; one with a concern reads them from the concern instead."""
    if reception.representative_id != representative.pk:
        raise WorkflowError(_("Only the representative who received the visitor can do this."))
    if reception.petition_id is not None:
        raise WorkflowError(_("These follow from the concern's result and rating."))
    Reception.objects.filter(pk=reception.pk).update(feedback=feedback, satisfied=satisfied)
    reception.feedback, reception.satisfied = feedback, satisfied
    return reception


def snapshot_create(
    *,
    representative,
    actor,
    text: str,
    photos,
    village=None,
    submit_key=None,
) -> tuple[Petition, bool]:
    """A representative's 随手拍: photos of a problem and a note, received as a concern of
    channel ``snapshot``. ``photos`` are bytes already passed through
    ``photos.clean_photo``. Returns (petition, created); idempotent by ``submit_key``."""
    photos = list(photos)
    if not photos:
        raise WorkflowError(_("Add at least one photo."))
    if len(photos) > settings.PETITION_MAX_PHOTOS:
        raise WorkflowError(_("At most %(n)d photos.") % {"n": settings.PETITION_MAX_PHOTOS})
    if not representative.is_active:
        raise WorkflowError(_("Only an active representative can post a snapshot."))
    text = _check_text(text)
    town = village.town if village is not None else None
    if town is None:
        # Without a village, the town of the representative's first station: the town
        # congress then sees it and can correct the place when collecting it.
        membership = (
            StationMembership.objects.filter(representative=representative, station__is_active=True)
            .select_related("station__town")
            .order_by("pk")
            .first()
        )
        town = membership.station.town if membership else None
    with transaction.atomic():
        petition, _token, created = petition_receive(
            channel=Petition.Channel.SNAPSHOT,
            text=text,
            representative=representative,
            village=village,
            town=town,
            submit_key=submit_key,
            actor=actor,
            photos=photos,
        )
        if not created:
            _check_replay(
                petition, representative=representative, channel=Petition.Channel.SNAPSHOT
            )
    return petition, created
