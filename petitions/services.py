"""Petition rules that are not step changes: the overdue sweep, statistics, retention."""

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


def petitions_anonymise_expired(*, today=None) -> int:
    """Erase the citizen's name, phone and photos from concerns closed longer ago than the
    retention period (个人信息保护法 Art. 19, 47). The concern and its history stay."""
    today = today or timezone.localdate()
    cutoff = timezone.now() - timezone.timedelta(days=settings.PETITION_RETENTION_DAYS)
    expired = Petition.objects.filter(closed_at__lt=cutoff).exclude(
        citizen_name="", citizen_phone=""
    )
    ids = list(expired.values_list("pk", flat=True)[:1000])
    for photo in PetitionPhoto.objects.filter(petition_id__in=ids):
        photo.image.delete(save=False)
        photo.delete()
    return Petition.objects.filter(pk__in=ids).update(citizen_name="", citizen_phone="")


def overdue_q() -> Q:
    return Q(step__in=[Step.ASSIGNED, Step.SUPERVISING], deadline__lt=timezone.localdate())
