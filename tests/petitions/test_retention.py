"""Personal data of closed concerns is anonymised after the retention period."""

from datetime import timedelta

import pytest
from django.utils import timezone

from petitions.models import Petition, PetitionPhoto
from petitions.photos import clean_photo
from petitions.tasks import anonymise_expired_petitions
from tests.base import make_world, receive, to_step

pytestmark = pytest.mark.django_db


def _jpeg():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="JPEG")
    return clean_photo(out.getvalue())


def test_it_erases_name_phone_and_photos_after_the_retention_period(settings):
    settings.PETITION_RETENTION_DAYS = 30
    world = make_world()
    old, _ = receive(world, citizen_name="王某", citizen_phone="13812345678", photos=[_jpeg()])
    recent, _ = receive(world, citizen_name="李某", citizen_phone="13912345678")
    for p in (old, recent):
        to_step(world, p, "closed")
    Petition.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=31))
    photo_path = PetitionPhoto.objects.get(petition=old).image.path

    assert anonymise_expired_petitions.delay().get() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.citizen_name, old.citizen_phone) == ("", "")
    assert not PetitionPhoto.objects.filter(petition=old).exists()
    import os

    assert not os.path.exists(photo_path)
    assert old.events.exists()  # the history stays
    assert recent.citizen_phone == "13912345678"
    assert anonymise_expired_petitions.delay().get() == 0
