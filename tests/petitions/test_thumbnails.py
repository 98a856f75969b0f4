"""Weight (issue #10, §8): the tracking page and the work pages show 320 px thumbnails of the
photos, not the 2,048 px photos; each thumbnail opens its photo. A thumbnail is made on the
first request (photos stored before issue #10 get theirs the same way), kept in private
storage, and served by the photo's own view, after the same access check."""

import io
import secrets

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from liaison.images import THUMBNAIL_SIDE
from petitions import outreach, tracking
from petitions.models import Petition, PetitionPhoto, Step, Visit
from petitions.photos import clean_photo, save_photo
from petitions.services import petitions_anonymise_expired
from tests.base import make_world, receive, to_step
from tests.helpers import gps_jpeg, jpeg_bytes, stored_files, tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def concern(world):
    """A concern with one large photo (stored as the citizens' are, 2,048 px), and the secret
    token of its tracking link."""
    petition, _ = receive(world)
    save_photo(petition=petition, data=clean_photo(jpeg_bytes(size=(3000, 2000))))
    token = secrets.token_urlsafe(32)
    Petition.objects.filter(pk=petition.pk).update(token_hash=tracking.hash_token(token))
    return petition, token, petition.photos.get()


def _image(response) -> Image.Image:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


def test_the_tracking_page_shows_thumbnails_that_open_the_photo(client, concern):
    petition, token, photo = concern
    page = client.get(reverse("petitions:track", args=[token]))
    thumb = reverse("petitions:track_photo_thumb", args=[token, photo.pk])
    full = reverse("petitions:track_photo", args=[token, photo.pk])
    assert [img["src"] for img in tags(page, "img") if "/photos/" in img["src"]] == [thumb]
    assert full in [a.get("href") for a in tags(page, "a")]

    small = _image(client.get(thumb))
    assert max(small.size) == THUMBNAIL_SIDE
    assert small.size == (320, 214)  # 2,048 × 1,365 shrunk, its shape kept
    assert not small.getexif()
    big = _image(client.get(full))
    assert big.size == (2048, 1365)


def test_a_thumbnail_is_made_once_and_kept_privately(client, concern):
    petition, token, photo = concern
    assert not photo.thumbnail
    files_before = set(stored_files())
    url = reverse("petitions:track_photo_thumb", args=[token, photo.pk])
    first = b"".join(client.get(url).streaming_content)
    photo.refresh_from_db()
    assert photo.thumbnail.name.startswith("thumbnails/")
    made = set(stored_files()) - files_before
    assert len(made) == 1
    # Not a public folder (only stations/ and representatives/ are: zhashui_rd/urls.py).
    assert client.get(f"/media/{photo.thumbnail.name}").status_code == 404
    second = b"".join(client.get(url).streaming_content)
    assert second == first
    assert set(stored_files()) - files_before == made


def test_a_photo_stored_before_thumbnails_existed_gets_one_on_first_view(client, world, concern):
    """No data migration: an old photo (no thumbnail) is served small from its first view."""
    petition, _token, photo = concern
    PetitionPhoto.objects.filter(pk=photo.pk).update(thumbnail="")
    to_step(world, petition, Step.COLLECTED)
    client.force_login(world.county)
    url = reverse("petitions:work_photo_thumb", args=[petition.pk, photo.pk])
    assert max(_image(client.get(url)).size) == THUMBNAIL_SIDE


def test_the_work_page_shows_thumbnails_that_open_the_photo(client, world, concern):
    petition, _token, photo = concern
    client.force_login(world.county)
    page = client.get(reverse("petitions:work_detail", args=[petition.pk]))
    thumb = reverse("petitions:work_photo_thumb", args=[petition.pk, photo.pk])
    full = reverse("petitions:work_photo", args=[petition.pk, photo.pk])
    assert thumb in [img["src"] for img in tags(page, "img")]
    assert full in [a.get("href") for a in tags(page, "a")]
    assert full not in [img["src"] for img in tags(page, "img")]


def test_a_thumbnail_has_the_same_access_check_as_its_photo(client, world, concern):
    petition, token, photo = concern
    other, _ = receive(world)
    other_token = secrets.token_urlsafe(32)
    Petition.objects.filter(pk=other.pk).update(token_hash=tracking.hash_token(other_token))
    for url in (
        reverse("petitions:track_photo_thumb", args=[other_token, photo.pk]),
        reverse("petitions:track_photo_thumb", args=["C" * 32, photo.pk]),
    ):
        assert client.get(url).status_code == 404
    # Representative B sees nothing of representative A's concern, small or large.
    client.force_login(world.rep_b_user)
    url = reverse("petitions:work_photo_thumb", args=[petition.pk, photo.pk])
    assert client.get(url).status_code == 404
    photo.refresh_from_db()
    assert not photo.thumbnail


def test_a_visits_photos_show_as_thumbnails(client, world):
    client.force_login(world.rep_a_user)
    visit, _ = outreach.visit_record(
        representative=world.rep_a,
        actor=world.rep_a_user,
        on=timezone.localdate(),
        place_kind=Visit.PlaceKind.COMMUNITY,
        place="城关社区",
        photos=[clean_photo(gps_jpeg())],
    )
    photo = visit.photos.get()
    page = client.get(reverse("petitions:visit_detail", args=[visit.pk]))
    thumb = reverse("petitions:visit_photo_thumb", args=[visit.pk, photo.pk])
    assert thumb in [img["src"] for img in tags(page, "img")]
    assert max(_image(client.get(thumb)).size) <= THUMBNAIL_SIDE


def test_the_retention_job_erases_the_thumbnails_too(client, world, concern, settings):
    petition, token, photo = concern
    client.get(reverse("petitions:track_photo_thumb", args=[token, photo.pk]))
    assert len(stored_files()) == 2
    to_step(world, petition, Step.CLOSED)
    settings.PETITION_RETENTION_DAYS = -1
    petitions_anonymise_expired()
    assert stored_files() == []
