"""Citizens' photos: only real JPEG, PNG or WebP within the limits; stored upright, small,
under random names, with no metadata at all; shown only to the holder of the link."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadhandler import SkipFile
from django.db import OperationalError
from django.urls import reverse
from PIL import Image

from petitions import services
from petitions.citizen_forms import PhotoUploadLimit
from petitions.models import Petition, PetitionPhoto
from tests.helpers import (
    gps_jpeg,
    image_bytes,
    jpeg_bytes,
    page_text,
    png_claiming,
    stored_files,
    tr,
    upload,
)
from tests.petitions.citizen_helpers import form_data, rep_at_one_station, rep_url

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def post_photos(client, *photos, **overrides):
    """Post the form with ``photos`` in photo1, photo2 …"""
    rep, _station = rep_at_one_station()
    data = form_data(**overrides)
    for number, photo in enumerate(photos, start=1):
        data[f"photo{number}"] = photo
    return client.post(rep_url(rep), data)


def assert_refused(response, message, field="photo1"):
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in page_text(response)
    assert Petition.objects.count() == 0
    assert PetitionPhoto.objects.count() == 0
    assert stored_files() == []


def photo_too_big():
    return tr("Each photo may be at most %(mb)d MB.") % {
        "mb": settings.PETITION_PHOTO_MAX_BYTES // MB
    }


# --- what is kept ----------------------------------------------------------------------------


def test_it_stores_a_photo_without_any_exif_and_turned_upright(client):
    response = post_photos(client, upload(gps_jpeg(), name="IMG_0001.jpg"))

    assert response.status_code == 200
    photo = PetitionPhoto.objects.get()
    path = Path(photo.image.path)
    raw = path.read_bytes()
    stored = Image.open(path)
    assert stored.format == "JPEG"
    # No metadata of any kind: no EXIF (so no GPS and no camera), no XMP, no ICC.
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert "xmp" not in stored.info
    assert "icc_profile" not in stored.info
    assert b"Exif" not in raw
    assert b"SpyCam" not in raw
    # Orientation 6 applied: the 200×100 landscape is now a 100×200 portrait whose red
    # left half has turned to the top.
    assert stored.size == (100, 200)
    assert (photo.width, photo.height) == (100, 200)
    top, bottom = stored.getpixel((50, 20)), stored.getpixel((50, 180))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_it_stores_photos_under_random_names_never_the_uploaded_one(client):
    post_photos(client, upload(jpeg_bytes(), name="王小明家门口.jpg"))
    name = PetitionPhoto.objects.get().image.name
    assert name.startswith("petitions/")
    assert name.endswith(".jpg")
    assert "王小明" not in name


@pytest.mark.parametrize(
    ("fmt", "mode", "name"),
    [("PNG", "RGBA", "a.png"), ("WEBP", "RGB", "a.webp"), ("JPEG", "RGB", "a.jpeg")],
)
def test_it_accepts_png_webp_and_jpeg_and_keeps_a_jpeg(client, fmt, mode, name):
    response = post_photos(client, upload(image_bytes(fmt, mode=mode), name=name))
    assert response.status_code == 200
    stored = Image.open(PetitionPhoto.objects.get().image.path)
    assert stored.format == "JPEG"
    assert stored.mode == "RGB"


def test_it_shrinks_a_large_photo_to_the_longest_side(client):
    big = jpeg_bytes(size=(4000, 3000))
    post_photos(client, upload(big))
    stored = Image.open(PetitionPhoto.objects.get().image.path)
    assert max(stored.size) == settings.PETITION_PHOTO_MAX_SIDE


def test_it_keeps_up_to_six_photos_in_separate_inputs(client):
    photos = [upload(jpeg_bytes(color=(i * 40, 0, 0)), name=f"{i}.jpg") for i in range(6)]
    response = post_photos(client, *photos)
    assert response.status_code == 200
    assert PetitionPhoto.objects.count() == 6
    assert len(stored_files()) == 6


def test_it_ignores_files_sent_under_any_other_name(client):
    rep, _station = rep_at_one_station()
    data = form_data(photo1=upload(jpeg_bytes()))
    data["photo7"] = upload(jpeg_bytes())
    data["evil"] = upload(b"<?php echo 1; ?>", name="x.php")
    response = client.post(rep_url(rep), data)
    assert response.status_code == 200
    assert PetitionPhoto.objects.count() == 1
    assert len(stored_files()) == 1


def test_a_replayed_form_with_photos_stores_them_once(client):
    rep, _station = rep_at_one_station()
    key = form_data()["submit_key"]
    for _ in range(2):
        client.post(rep_url(rep), form_data(submit_key=key, photo1=upload(jpeg_bytes())))
    assert Petition.objects.count() == 1
    assert PetitionPhoto.objects.count() == 1
    assert len(stored_files()) == 1


# --- what is refused -------------------------------------------------------------------------


def test_it_refuses_a_php_file_renamed_jpg(client):
    php = upload(b"<?php system($_GET['c']); ?>", name="photo.jpg", content_type="image/jpeg")
    assert_refused(post_photos(client, php), tr("Only JPEG, PNG or WebP photos are accepted."))


def test_it_refuses_a_gif(client):
    gif = upload(image_bytes("GIF"), name="cat.gif", content_type="image/gif")
    assert_refused(post_photos(client, gif), tr("Only JPEG, PNG or WebP photos are accepted."))


def test_it_refuses_a_truncated_jpeg(client):
    broken = upload(jpeg_bytes(size=(400, 300))[:300])
    assert_refused(post_photos(client, broken), tr("Only JPEG, PNG or WebP photos are accepted."))


@pytest.mark.parametrize("side", [20000, 8000], ids=["400 MP", "64 MP"])
def test_it_refuses_a_decompression_bomb(client, side):
    # 400 MP is past Pillow's error threshold; 64 MP sits between the portal's limit and
    # twice that, where Pillow only warns: both are refused.
    bomb = upload(png_claiming(side, side), name="bomb.png", content_type="image/png")
    assert_refused(post_photos(client, bomb), tr("This image is too large to process."))


def test_it_refuses_a_photo_over_ten_megabytes(client):
    big = upload(b"\xff\xd8\xff\xe0" + b"\0" * (settings.PETITION_PHOTO_MAX_BYTES + 1))
    assert_refused(post_photos(client, big), photo_too_big())


def test_it_refuses_a_fifty_megabyte_upload_with_a_message_not_a_500(client):
    huge = upload(b"\xff\xd8\xff\xe0" + b"\0" * (50 * MB))
    response = post_photos(client, huge)
    assert_refused(response, photo_too_big())
    # Dropped while it arrived, past 10 MB: the rest never reached a temporary file.
    assert response.context["form"].oversized == {"photo1"}


def test_too_many_files_in_one_post_get_a_message_not_a_500(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    photos = [upload(jpeg_bytes(), name=f"{i}.jpg") for i in range(3)]
    response = post_photos(client, *photos)
    assert response.status_code == 400
    assert tr("Your concern could not be read") in page_text(response)
    assert Petition.objects.count() == 0
    assert stored_files() == []


def test_one_bad_photo_among_good_ones_stores_none_of_them(client):
    good = [upload(jpeg_bytes(), name=f"{i}.jpg") for i in range(2)]
    bad = upload(image_bytes("GIF"), name="c.gif")
    response = post_photos(client, *good, bad)
    assert_refused(response, tr("Only JPEG, PNG or WebP photos are accepted."), field="photo3")
    # A browser never refills a file input: the citizen is told to choose them again.
    assert tr(
        "Please choose your photos again: a browser cannot keep them when the form is shown again."
    ) in page_text(response)


def test_a_good_photo_with_an_otherwise_bad_form_stores_nothing(client):
    # A name without consent: refused, so the photo must not stay behind.
    response = post_photos(client, upload(jpeg_bytes()), consent=None, name="王小明")
    assert response.status_code == 400
    assert Petition.objects.count() == 0
    assert stored_files() == []


def test_the_upload_limit_drops_a_file_as_soon_as_it_passes_the_limit():
    limit = PhotoUploadLimit(allowed_fields=["photo1"])
    limit.new_file("photo1", "a.jpg", "image/jpeg", None)
    assert limit.receive_data_chunk(b"x" * 1024, 0) == b"x" * 1024
    with pytest.raises(SkipFile):
        limit.receive_data_chunk(b"x" * 1024, settings.PETITION_PHOTO_MAX_BYTES)
    assert limit.oversized == {"photo1"}

    limit.new_file("evil", "a.php", "text/plain", None)
    with pytest.raises(SkipFile):
        limit.receive_data_chunk(b"<?php", 0)
    assert limit.oversized == {"photo1"}


# --- who sees them ---------------------------------------------------------------------------


def _petition_with_photo(client):
    rep, _station = rep_at_one_station()
    response = client.post(rep_url(rep), form_data(photo1=upload(jpeg_bytes())))
    petition, token = response.context["petition"], response.context["token"]
    return petition, token, petition.photos.get()


def test_it_shows_the_photo_to_the_holder_of_the_link_privately(client):
    petition, token, photo = _petition_with_photo(client)
    response = client.get(reverse("petitions:track_photo", args=[token, photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).format == "JPEG"


def test_another_petitions_photo_is_404_whatever_the_id(client):
    _p, token_a, _photo_a = _petition_with_photo(client)
    _p, token_b, photo_b = _petition_with_photo(client)
    assert (
        client.get(reverse("petitions:track_photo", args=[token_b, photo_b.pk])).status_code == 200
    )
    for photo_id in (photo_b.pk, photo_b.pk + 100, 2**63 + 1):
        url = reverse("petitions:track_photo", args=[token_a, photo_id])
        assert client.get(url).status_code == 404


def test_a_photo_needs_a_valid_token(client):
    _p, _token, photo = _petition_with_photo(client)
    url = reverse("petitions:track_photo", args=["C" * 32, photo.pk])
    assert client.get(url).status_code == 404
    # No public URL reaches the file either.
    assert client.get(f"/media/{photo.image.name}").status_code == 404


def test_a_concern_that_fails_after_its_photos_are_written_leaves_no_file(monkeypatch):
    """The database may fail after the photos are on disk (its event, or the commit: the
    PostgreSQL restart test): the rows roll back, and the files go with them."""
    rep, station = rep_at_one_station()

    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "event_append", database_gone)
    with pytest.raises(OperationalError):
        services.petition_receive(
            channel=Petition.Channel.QR,
            text="村口的道路破损严重，下雨天积水很深。",
            representative=rep,
            station=station,
            photos=[jpeg_bytes(), jpeg_bytes(color=(10, 200, 10))],
        )
    assert Petition.objects.count() == 0
    assert PetitionPhoto.objects.count() == 0
    assert stored_files() == []
