"""The representatives' and stations' own photos (public media) are re-encoded on upload
exactly like the citizens' (issue #10, §8): upright, small, a fresh JPEG without EXIF or GPS,
under a random name; a file that is no photo is an error in the form, and nothing is saved."""

import importlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image

from liaison.models import Representative, Station
from tests.base import make_representative, make_town
from tests.helpers import admin_form_data, admin_url, gps_jpeg, page_text, tr, upload

pytestmark = pytest.mark.django_db


def _representative_post(admin_client, photo):
    data = admin_form_data(
        {
            "name": "张代表",
            "gender": Representative.Gender.FEMALE,
            "level": Representative.Level.COUNTY,
            "term": "第十九届",
            "is_active": "on",
            "photo": photo,
        },
        "memberships",
        [],
    )
    return admin_client.post(admin_url(Representative, "add"), data)


def _stored(field) -> Image.Image:
    with field.open("rb") as handle:
        return Image.open(io.BytesIO(handle.read()))


def test_a_representatives_photo_with_gps_comes_out_without_it(admin_client):
    response = _representative_post(admin_client, upload(gps_jpeg(), name="张代表-定位.jpg"))
    assert response.status_code == 302, page_text(response)
    rep = Representative.objects.get(name="张代表")
    image = _stored(rep.photo)
    assert image.format == "JPEG"
    assert not image.getexif()
    assert "exif" not in image.info and "icc_profile" not in image.info
    # Turned upright (the sample is 200 × 100, "rotate 90°"), and its original name is gone.
    assert image.size == (100, 200)
    assert rep.photo.name.startswith("representatives/")
    assert "张代表" not in rep.photo.name and "定位" not in rep.photo.name


def test_a_large_representatives_photo_is_shrunk_to_what_the_qr_page_shows(admin_client):
    big = io.BytesIO()
    Image.new("RGB", (2400, 3000), (90, 120, 200)).save(big, "JPEG")
    response = _representative_post(admin_client, upload(big.getvalue()))
    assert response.status_code == 302
    image = _stored(Representative.objects.get(name="张代表").photo)
    assert image.size == (205, 256)


def test_a_stations_photo_with_gps_comes_out_without_it(admin_client):
    town = make_town()
    data = admin_form_data(
        {
            "name": "城关联络站",
            "slug": "chengguan",
            "town": town.pk,
            "kind": Station.Kind.COMMUNITY,
            "is_active": "on",
            "photo": upload(gps_jpeg()),
        },
        "memberships",
        [],
        **{
            "ratings-TOTAL_FORMS": "0",
            "ratings-INITIAL_FORMS": "0",
            "ratings-MIN_NUM_FORMS": "0",
            "ratings-MAX_NUM_FORMS": "1000",
        },
    )
    response = admin_client.post(admin_url(Station, "add"), data)
    assert response.status_code == 302, page_text(response)
    image = _stored(Station.objects.get(slug="chengguan").photo)
    assert not image.getexif() and image.size == (100, 200)


def test_a_file_that_is_no_photo_is_refused_in_the_form(admin_client):
    response = _representative_post(
        admin_client, upload(b"<?php echo 1; ?>", name="x.jpg", content_type="image/jpeg")
    )
    assert response.status_code == 200
    assert "photo" in response.context["adminform"].form.errors
    assert not Representative.objects.exists()
    assert tr(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ) in page_text(response)


def test_photos_stored_before_are_re_encoded_by_the_migration():
    """liaison/migrations/0008: an old photo (as sent, GPS and all) is replaced by a clean one."""
    from django.apps import apps  # here: the migration is handed the app registry

    migration = importlib.import_module("liaison.migrations.0009_reencode_existing_public_photos")
    rep = make_representative("旧照片代表")
    rep.photo.save("old-photo.jpg", ContentFile(gps_jpeg()), save=True)
    old_name = rep.photo.name
    assert Image.open(rep.photo.path).getexif()
    migration.reencode(apps, None)
    rep.refresh_from_db()
    assert rep.photo.name != old_name and "old-photo" not in rep.photo.name
    image = _stored(rep.photo)
    assert not image.getexif() and image.size == (100, 200)
    assert not Path(settings.MEDIA_ROOT, old_name).exists()
