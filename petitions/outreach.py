"""Outreach and home visits (主动出诊 / 代表家访): recording a visit, with the concerns raised
on it, each received as a concern of channel ``outreach`` through ``petition_receive``.
The points a visit earns are kept by the points app, which hears of visits by signal."""

import io
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from liaison.models import Representative, StationMembership
from petitions.errors import WorkflowError
from petitions.models import Petition, Visit, VisitPhoto
from petitions.services import _check_replay, _check_text, petition_receive

MAX_VISIT_CONCERNS = 5  # concerns entered with the visit's own form; more from its page


def _town_of(representative, village):
    """The village's town; without one, the town of the representative's first station."""
    if village is not None:
        return village.town
    membership = (
        StationMembership.objects.filter(representative=representative, station__is_active=True)
        .select_related("station")
        .order_by("pk")
        .first()
    )
    return membership.station.town if membership else None


def _save_photo(visit: Visit, data: bytes) -> VisitPhoto:
    """Store an already cleaned photo (``photos.clean_photo``) under a random name."""
    with Image.open(io.BytesIO(data)) as img:
        width, height = img.size
    photo = VisitPhoto(visit=visit, width=width, height=height)
    photo.image.save("photo.jpg", ContentFile(data), save=False)
    photo.save()
    return photo


def _concern_receive(*, visit: Visit, actor, concern: dict, submit_key=None):
    """One concern raised on ``visit``, received as a petition of channel ``outreach``."""
    name = (concern.get("citizen_name") or "").strip()
    phone = (concern.get("citizen_phone") or "").strip()
    consent = bool(concern.get("consent"))
    # Personal data only with the citizen's consent (个人信息保护法 Art. 13–14).
    if (name or phone) and not consent:
        raise WorkflowError(_("Record the citizen's name or phone only after they agreed to it."))
    village = concern.get("village") or visit.village
    return petition_receive(
        channel=Petition.Channel.OUTREACH,
        text=_check_text(concern.get("text") or ""),
        representative=visit.representative,
        category=concern.get("category"),
        village=village,
        town=village.town if village is not None else visit.town,
        citizen_name=name,
        citizen_phone=phone,
        consent=consent,
        submit_key=submit_key,
        actor=actor,
        visit=visit,
    )


@transaction.atomic
def visit_record(
    *,
    representative,
    actor,
    on: date,
    place_kind: str,
    place: str,
    village=None,
    fellows=(),
    people_count: int | None = None,
    people_note: str = "",
    note: str = "",
    photos=(),
    concerns=(),
    submit_key=None,
) -> tuple[Visit, bool]:
    """Record a visit, its photos (bytes already through ``photos.clean_photo``) and the
    concerns raised on it (dicts: text, category, village, citizen_name, citizen_phone,
    consent). All of it or nothing. Returns (visit, created); idempotent by
    ``submit_key``: a replay gives back the same visit and its concerns, never a second."""
    if submit_key is not None:
        existing = Visit.objects.filter(submit_key=submit_key).first()
        if existing is not None:
            if existing.representative_id != representative.pk:
                raise WorkflowError(_("This form has already been used. Open a new one."))
            return existing, False
    if not representative.is_active:
        raise WorkflowError(_("Only an active representative can record a visit."))
    if on > timezone.localdate():
        raise WorkflowError(_("A visit cannot be in the future."))
    if place_kind not in Visit.PlaceKind.values:
        raise WorkflowError(_("Choose the kind of place."))
    place = place.strip()
    if not place:
        raise WorkflowError(_("Say where the visit was."))
    photos, concerns = list(photos), list(concerns)
    if len(photos) > settings.PETITION_MAX_PHOTOS:
        raise WorkflowError(_("At most %(n)d photos.") % {"n": settings.PETITION_MAX_PHOTOS})
    if len(concerns) > MAX_VISIT_CONCERNS:
        raise WorkflowError(_("At most %(n)d concerns at once.") % {"n": MAX_VISIT_CONCERNS})
    fellows = [f for f in fellows if f.pk != representative.pk]
    if any(not f.is_active for f in fellows):
        raise WorkflowError(_("Fellow representatives must be active representatives."))
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                representative=representative,
                date=on,
                place_kind=place_kind,
                place=place[:100],
                village=village,
                town=_town_of(representative, village),
                people_count=people_count,
                people_note=people_note.strip()[:200],
                note=note.strip(),
                recorded_by=actor,
                submit_key=submit_key,
            )
    except IntegrityError:
        # The same form, sent twice at the same moment: the other request recorded it.
        if submit_key is None:
            raise
        return Visit.objects.get(submit_key=submit_key), False
    visit.fellows.set(fellows)
    saved = []
    try:
        for data in photos:
            saved.append(_save_photo(visit, data))
        for concern in concerns:
            _concern_receive(visit=visit, actor=actor, concern=concern)
    except Exception:
        # The transaction rolls the rows back; the files are ours to remove.
        for photo in saved:
            photo.image.delete(save=False)
        raise
    return visit, True


@transaction.atomic
def visit_concern_add(
    *, visit: Visit, representative, actor, concern: dict, submit_key=None
) -> tuple[Petition, str, bool]:
    """A concern raised on ``visit``, added after it was recorded, by its own representative.
    Returns (petition, tracking token, created); idempotent by ``submit_key``."""
    if visit.representative_id != representative.pk or not representative.is_active:
        raise WorkflowError(_("Only the representative who made the visit can add to it."))
    petition, token, created = _concern_receive(
        visit=visit, actor=actor, concern=concern, submit_key=submit_key
    )
    if not created:
        _check_replay(petition, representative=representative, channel=Petition.Channel.OUTREACH)
        if petition.visit_id != visit.pk:
            raise WorkflowError(_("This form has already been used. Open a new one."))
    return petition, token, created


def active_fellows():
    """The representatives a visit may name as fellows."""
    return Representative.objects.filter(is_active=True).order_by("name")
