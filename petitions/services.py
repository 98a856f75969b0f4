"""Petition rules that are not step changes: the overdue sweep, statistics, retention."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from petitions.models import Petition, PetitionPhoto, Step


def petitions_mark_warnings(*, today=None) -> int:
    """Yellow/red cards for every assigned or supervised petition; returns how many changed.
    A loop of small compare-and-set steps: safe to run twice at once, and idempotent."""
    from petitions.workflow import petition_update_warning

    today = today or timezone.localdate()
    changed = 0
    qs = Petition.objects.filter(
        step__in=[Step.ASSIGNED, Step.SUPERVISING], deadline__isnull=False
    ).select_related("unit", "station", "representative")
    for petition in qs.iterator(chunk_size=500):
        if petition_update_warning(petition=petition, today=today):
            changed += 1
    return changed


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


def overdue_q() -> Q:
    return Q(step__in=[Step.ASSIGNED, Step.SUPERVISING], deadline__lt=timezone.localdate())


# --- what a representative records on a phone: a walk-in reception, a 随手拍 ------------------


def _check_text(text: str) -> str:
    from django.utils.translation import gettext as _

    from petitions.workflow import WorkflowError

    text = text.strip()
    if not settings.PETITION_TEXT_MIN <= len(text) <= settings.PETITION_TEXT_MAX:
        raise WorkflowError(
            _("Describe the concern in %(min)d to %(max)d characters.")
            % {"min": settings.PETITION_TEXT_MIN, "max": settings.PETITION_TEXT_MAX}
        )
    return text


def _check_replay(petition: Petition, *, representative, channel: str) -> None:
    """A one-time form key only ever gives back its own petition to the one who sent it."""
    from django.utils.translation import gettext as _

    from petitions.workflow import WorkflowError

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
    from django.db import transaction
    from django.utils.translation import gettext as _

    from liaison.models import StationMembership
    from petitions import workflow
    from petitions.models import Reception

    unknown = set(checklist) - set(Reception.CHECKLIST)
    if unknown:
        raise ValueError(f"Unknown checklist items: {sorted(unknown)}")
    if not representative.is_active:
        raise workflow.WorkflowError(_("Only an active representative can record a reception."))
    if not StationMembership.objects.filter(
        representative=representative, station=station, station__is_active=True
    ).exists():
        raise workflow.WorkflowError(_("You can record receptions only at your own stations."))
    # Personal data only with the citizen's consent (个人信息保护法 Art. 13–14).
    if (citizen_name.strip() or citizen_phone.strip()) and not consent:
        raise workflow.WorkflowError(
            _("Record the citizen's name or phone only after they agreed to it.")
        )
    text = _check_text(text)
    with transaction.atomic():
        petition, token, created = workflow.petition_receive(
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
    from django.db import transaction
    from django.utils.translation import gettext as _

    from liaison.models import StationMembership
    from petitions import workflow

    photos = list(photos)
    if not photos:
        raise workflow.WorkflowError(_("Add at least one photo."))
    if len(photos) > settings.PETITION_MAX_PHOTOS:
        raise workflow.WorkflowError(
            _("At most %(n)d photos.") % {"n": settings.PETITION_MAX_PHOTOS}
        )
    if not representative.is_active:
        raise workflow.WorkflowError(_("Only an active representative can post a snapshot."))
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
        petition, _token, created = workflow.petition_receive(
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
