"""`make run` serves the public photos itself (SERVE_MEDIA): only those, whatever the path."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.test import RequestFactory

from zhashui_rd.urls import public_media


@pytest.fixture
def files():
    public = default_storage.save("stations/ab/photo.jpg", ContentFile(b"public photo"))
    private = default_storage.save("evidence/09/secret.jpg", ContentFile(b"private evidence"))
    return public, private


def test_a_station_photo_is_served(files):
    public, _private = files
    response = public_media(RequestFactory().get("/media/" + public), public)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"public photo"


@pytest.mark.parametrize(
    "path",
    [
        "stations/../evidence/09/secret.jpg",  # also what /media/stations/%2e%2e/… decodes to
        "representatives/../evidence/09/secret.jpg",
        "stations/ab/../../evidence/09/secret.jpg",
        "evidence/09/secret.jpg",
        "stationsx/../evidence/09/secret.jpg",
        "../evidence/09/secret.jpg",
    ],
)
def test_nothing_outside_the_public_folders_is_served(files, path):
    with pytest.raises(Http404):
        public_media(RequestFactory().get("/media/" + path), path)
