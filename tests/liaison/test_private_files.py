"""Private files are answered by liaison/files.py alone: streamed by Django, or, behind
nginx (PRIVATE_FILES_X_ACCEL), an empty response that names the file for nginx's internal
location, with the same type, disposition and no-store; the access check is the same."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.urls import reverse

from liaison.files import private_file_response
from petitions.models import PetitionPhoto
from tests.helpers import jpeg_bytes, upload
from tests.petitions.citizen_helpers import form_data, rep_at_one_station, rep_url

pytestmark = pytest.mark.django_db


def _petition_with_photo(client):
    rep, _station = rep_at_one_station()
    response = client.post(rep_url(rep), form_data(photo1=upload(jpeg_bytes())))
    return response.context["token"], PetitionPhoto.objects.get()


def _stored(name, content):
    """A file in storage under exactly ``name``, as a model's file field holds it."""
    field = PetitionPhoto._meta.get_field("image")
    return FieldFile(None, field, default_storage.save(name, ContentFile(content)))


def test_it_streams_the_file_itself_by_default(client, settings):
    assert settings.PRIVATE_FILES_X_ACCEL is False
    token, photo = _petition_with_photo(client)
    response = client.get(reverse("petitions:track_photo", args=[token, photo.pk]))
    assert response.status_code == 200
    assert "X-Accel-Redirect" not in response
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private, no-store")
    assert b"".join(response.streaming_content) == photo.image.open("rb").read()


def test_behind_nginx_it_names_the_file_and_sends_no_body(client, settings):
    settings.PRIVATE_FILES_X_ACCEL = True
    token, photo = _petition_with_photo(client)
    response = client.get(reverse("petitions:track_photo", args=[token, photo.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_protected/{photo.image.name}"
    assert response.content == b""
    assert response["Content-Type"] == "image/jpeg"
    # (the tracking views add never_cache's own words after it)
    assert response["Cache-Control"].startswith("private, no-store")
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert response["Referrer-Policy"] == "no-referrer"


def test_behind_nginx_the_access_check_still_comes_first(client, settings):
    settings.PRIVATE_FILES_X_ACCEL = True
    _token, photo = _petition_with_photo(client)
    response = client.get(reverse("petitions:track_photo", args=["C" * 32, photo.pk]))
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


@pytest.mark.parametrize("x_accel", [False, True])
def test_an_attachment_keeps_its_name_and_disposition_in_both_modes(settings, x_accel):
    settings.PRIVATE_FILES_X_ACCEL = x_accel
    response = private_file_response(
        _stored("reports/年报 2026.pdf", b"%PDF-1.4"),
        content_type="application/pdf",
        filename="年报 2026.pdf",
        as_attachment=True,
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E5%B9%B4%E6%8A%A5%202026.pdf"
    )
    assert response["Cache-Control"] == "private, no-store"
    if x_accel:
        # The storage path, URL-quoted for nginx, which decodes it to find the file.
        assert response["X-Accel-Redirect"].startswith("/_protected/")
        assert "%E5%B9%B4%E6%8A%A5%202026" in response["X-Accel-Redirect"]


@pytest.mark.parametrize("x_accel", [False, True])
def test_a_file_missing_from_storage_is_404_in_both_modes(settings, x_accel):
    settings.PRIVATE_FILES_X_ACCEL = x_accel
    gone = FieldFile(None, PetitionPhoto._meta.get_field("image"), "petitions/gone.jpg")
    with pytest.raises(Http404):
        private_file_response(gone, content_type="image/jpeg")


def test_the_prefix_is_a_setting(client, settings):
    settings.PRIVATE_FILES_X_ACCEL = True
    settings.PRIVATE_FILES_X_ACCEL_PREFIX = "/internal-files"
    token, photo = _petition_with_photo(client)
    response = client.get(reverse("petitions:track_photo", args=[token, photo.pk]))
    assert response["X-Accel-Redirect"] == f"/internal-files/{photo.image.name}"


def test_a_file_carries_no_content_security_policy_a_page_does(client):
    """The policy is for our HTML: on a photo opened on its own, the browser's image viewer
    styles itself inline, which the policy would report as refused."""
    token, photo = _petition_with_photo(client)
    response = client.get(reverse("petitions:track_photo", args=[token, photo.pk]))
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    page = client.get(reverse("petitions:track", args=[token]))
    assert "unsafe-inline" not in page["Content-Security-Policy"]
