"""What happens to a concern outside the action table of ``petitions/workflow.py``: its
arrival by every channel (a citizen's form, a representative's reception or 随手拍), the
overdue cards, retention. None of these moves a concern from one step to another."""

import secrets
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.models import StationMembership
from petitions import notifications
from petitions.deadlines import Calendar, warning_for
from petitions.errors import WorkflowError
from petitions.events import event_append
from petitions.models import HANDLING_STEPS, Petition, PetitionEvent, PetitionPhoto, Reception, Step
from petitions.photos import save_photo
from petitions.tracking import hash_token, next_tracking_no, token_for_submit_key

# --- receiving a concern, by any channel ---------------------------------------------------


@transaction.atomic
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
    source_activity_id=None,
    accused_unit=None,
    accused_representative=None,
) -> tuple[Petition, str, bool]:
    """Receive a concern by any channel. Returns (petition, tracking token, created).

    With a ``submit_key`` the call is idempotent: the same form sent twice gives the same
    petition and token, and ``created`` is False the second time.
    """
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
    calendar = Calendar.from_db()
    collect_by = calendar.add_days(timezone.localdate(now), settings.PETITION_COLLECT_DAYS)
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
                collect_by=collect_by,
                collect_by_estimated=calendar.is_estimated(collect_by),
                source_activity_id=source_activity_id,
                accused_unit=accused_unit,
                accused_representative=accused_representative,
            )
    except IntegrityError:
        # The same form, sent twice at the same moment: the other request created it.
        if submit_key is None:
            raise
        return Petition.objects.get(submit_key=submit_key), token, False
    saved = []
    try:
        for data in photos:
            saved.append(save_photo(petition=petition, data=data))
    except Exception:
        # The transaction rolls the rows back; the files are ours to remove.
        for photo in saved:
            photo.image.delete(save=False)
        raise
    event_append(
        petition=petition,
        kind=PetitionEvent.Kind.TRANSITION,
        action="receive",
        to_step=Step.RECEIVED,
        actor=actor,
        actor_kind=PetitionEvent.ActorKind.USER if actor else PetitionEvent.ActorKind.CITIZEN,
        is_public=True,
    )
    notifications.petition_received(petition, actor=actor)
    return petition, token, True


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
    """Erase the citizen's name, phone and photos from concerns closed longer ago than the
    retention period (个人信息保护法 Art. 19, 47). The concern and its history stay."""
    cutoff = timezone.now() - timedelta(days=settings.PETITION_RETENTION_DAYS)
    expired = Petition.objects.filter(
        Q(citizen_name__gt="") | Q(citizen_phone__gt="") | Q(photos__isnull=False),
        closed_at__lt=cutoff,
    )
    ids = list(expired.values_list("pk", flat=True).distinct()[:1000])
    for photo in PetitionPhoto.objects.filter(petition_id__in=ids):
        photo.image.delete(save=False)
        photo.delete()
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
    text: str,
    category=None,
    citizen_name: str = "",
    citizen_phone: str = "",
    consent: bool = False,
    checklist=(),
    submit_key=None,
) -> tuple[Petition, str, bool]:
    """Record a walk-in reception (接待选民) and its "六个一" checklist as a concern of
    channel ``reception``. Returns (petition, tracking token, created); idempotent by
    ``submit_key`` like every received concern."""
    unknown = set(checklist) - set(Reception.CHECKLIST)
    if unknown:
        raise ValueError(f"Unknown checklist items: {sorted(unknown)}")
    if not representative.is_active:
        raise WorkflowError(_("Only an active representative can record a reception."))
    if not StationMembership.objects.filter(
        representative=representative, station=station, station__is_active=True
    ).exists():
        raise WorkflowError(_("You can record receptions only at your own stations."))
    # Personal data only with the citizen's consent (个人信息保护法 Art. 13–14).
    if (citizen_name.strip() or citizen_phone.strip()) and not consent:
        raise WorkflowError(_("Record the citizen's name or phone only after they agreed to it."))
    text = _check_text(text)
    with transaction.atomic():
        petition, token, created = petition_receive(
            channel=Petition.Channel.RECEPTION,
            text=text,
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
            return petition, token, False
        Reception.objects.create(
            petition=petition,
            station=station,
            representative=representative,
            recorded_by=actor,
            **{item: item in checklist for item in Reception.CHECKLIST},
        )
    return petition, token, True


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
