"""Issue 13, item 8: a unit marks each result attachment public or not (not by default);
public photos show on the citizen's tracking page, re-encoded like the citizens' own, a
public PDF as a link, both through the tracking token only; the others only to staff."""

import io
import re
import secrets

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from petitions import tracking
from petitions.models import Petition, ResultAttachment, Step
from tests.base import make_user, make_world, receive, to_step
from tests.helpers import gps_jpeg, page_text, tags, tr, upload

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 test result"


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def handling(world):
    """A concern the unit is handling, and the secret token of its tracking link."""
    petition, _ = receive(world)
    to_step(world, petition, Step.SUPERVISING)
    token = secrets.token_urlsafe(32)
    Petition.objects.filter(pk=petition.pk).update(token_hash=tracking.hash_token(token))
    petition.refresh_from_db()
    return petition, token


def _report(client, world, petition, **files):
    client.force_login(world.unit_user)
    data = {"result": "路面已修复。", "outcome": Petition.Outcome.SOLVED, **files}
    return client.post(reverse("petitions:work_action", args=[petition.pk, "report"]), data)


def _pdf(name="答复函.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _track(client, token):
    client.logout()
    return client.get(reverse("petitions:track", args=[token]))


def _attachment_url(token, attachment):
    return reverse("petitions:track_attachment", args=[token, attachment.pk])


def test_the_report_form_offers_a_public_box_for_each_attachment(client, world, handling):
    petition, _token = handling
    client.force_login(world.unit_user)
    response = client.get(reverse("petitions:work_detail", args=[petition.pk]))
    report = next(f for action, f in response.context["action_forms"] if action.name == "report")
    assert [name for name in report.fields if name.startswith("public")] == [
        "public1",
        "public2",
        "public3",
    ]
    assert not any(report.fields[f"public{n}"].initial for n in (1, 2, 3))
    assert tr("Show it to the citizen") in page_text(response)


def test_an_attachment_is_not_public_unless_ticked(client, world, handling):
    petition, token = handling
    response = _report(client, world, petition, attachment1=_pdf())
    assert response.status_code == 302
    attachment = ResultAttachment.objects.get(petition=petition)
    assert attachment.is_public is False
    page = _track(client, token)
    assert "答复函" not in page_text(page)
    assert client.get(_attachment_url(token, attachment)).status_code == 404
    # Staff and the unit still open it from the work page.
    client.force_login(world.unit_user)
    staff_url = reverse("petitions:work_attachment", args=[petition.pk, attachment.pk])
    assert client.get(staff_url).status_code == 200


def test_a_public_photo_shows_on_the_tracking_page_re_encoded(client, world, handling):
    petition, token = handling
    response = _report(
        client, world, petition, attachment1=upload(gps_jpeg(), name="修好的路.jpg"), public1="on"
    )
    assert response.status_code == 302
    attachment = ResultAttachment.objects.get(petition=petition)
    assert attachment.is_public and attachment.is_image
    assert attachment.name == "修好的路.jpg"

    page = _track(client, token)
    url = _attachment_url(token, attachment)
    # The page shows the thumbnail (issue #10, weight), which opens the photo itself.
    thumb = reverse("petitions:track_attachment_thumb", args=[token, attachment.pk])
    assert thumb in [img.get("src") for img in tags(page, "img")]
    assert url in [a.get("href") for a in tags(page, "a")]
    served = client.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert "private" in served["Cache-Control"] and "no-store" in served["Cache-Control"]
    assert served["Referrer-Policy"] == "no-referrer"
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    # Turned upright, and nothing of the camera's or the place's left in it.
    assert image.size == (100, 200)
    assert not image.getexif()
    assert "exif" not in image.info


def test_a_public_png_is_re_encoded_as_jpeg(client, world, handling):
    petition, token = handling
    buffer = io.BytesIO()
    Image.new("RGBA", (30, 20), (0, 128, 0, 128)).save(buffer, "PNG")
    _report(
        client,
        world,
        petition,
        attachment1=upload(buffer.getvalue(), name="现场.png", content_type="image/png"),
        public1="on",
    )
    attachment = ResultAttachment.objects.get(petition=petition)
    assert attachment.file.name.endswith(".jpg")
    with attachment.file.open("rb") as handle:
        assert Image.open(handle).format == "JPEG"


def test_a_public_pdf_is_offered_as_a_link(client, world, handling):
    petition, token = handling
    _report(client, world, petition, attachment1=_pdf(), public1="on")
    attachment = ResultAttachment.objects.get(petition=petition)
    assert attachment.is_public and not attachment.is_image
    page = _track(client, token)
    url = _attachment_url(token, attachment)
    assert url in [a.get("href") for a in tags(page, "a")]
    served = client.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert "attachment" in served["Content-Disposition"]
    assert b"".join(served.streaming_content) == PDF


def test_each_attachment_has_its_own_choice(client, world, handling):
    petition, token = handling
    _report(
        client,
        world,
        petition,
        attachment1=upload(gps_jpeg(), name="照片.jpg"),
        public1="on",
        attachment2=_pdf("内部签报.pdf"),
        attachment3=_pdf("答复函.pdf"),
        public3="on",
    )
    shown = {a.name: a.is_public for a in ResultAttachment.objects.filter(petition=petition)}
    assert shown == {"照片.jpg": True, "内部签报.pdf": False, "答复函.pdf": True}
    # Staff see every attachment, and which ones the citizen sees.
    work = client.get(reverse("petitions:work_detail", args=[petition.pk]))
    items = re.findall(r"<li><a [^>]*/attachments/\d+/\">(.*?)</li>", work.content.decode())
    marked = {page_text(item).split(" ")[0]: tr("shown to the citizen") in item for item in items}
    assert marked == {"照片.jpg": True, "内部签报.pdf": False, "答复函.pdf": True}
    text = page_text(_track(client, token))
    assert "答复函.pdf" in text
    assert "内部签报" not in text


def test_only_a_photo_or_a_pdf_can_be_public(client, world, handling):
    petition, _token = handling
    word = SimpleUploadedFile("说明.docx", b"PK\x03\x04 word", content_type="application/msword")
    response = _report(client, world, petition, attachment1=word, public1="on")
    assert response.status_code == 400
    assert tr("Only a JPEG or PNG photo or a PDF can be shown to the citizen.") in page_text(
        response
    )
    petition.refresh_from_db()
    assert petition.step == Step.SUPERVISING
    assert not ResultAttachment.objects.exists()


def test_a_public_image_that_is_not_one_is_refused(client, world, handling):
    petition, _token = handling
    fake = upload(b"<script>alert(1)</script>", name="照片.jpg")
    response = _report(client, world, petition, attachment1=fake, public1="on")
    assert response.status_code == 400
    assert tr("Only JPEG, PNG or WebP photos are accepted.") in page_text(response)
    assert not ResultAttachment.objects.exists()


def test_a_public_attachment_is_reached_by_its_own_token_only(client, world, handling):
    petition, token = handling
    _report(client, world, petition, attachment1=_pdf(), public1="on")
    attachment = ResultAttachment.objects.get(petition=petition)
    other, _ = receive(world)
    other_token = secrets.token_urlsafe(32)
    Petition.objects.filter(pk=other.pk).update(token_hash=tracking.hash_token(other_token))
    client.logout()
    assert client.get(_attachment_url(other_token, attachment)).status_code == 404
    assert client.get(_attachment_url("x" * 43, attachment)).status_code == 404
    # Staff's address of the file asks for a login.
    staff_url = reverse("petitions:work_attachment", args=[petition.pk, attachment.pk])
    assert client.get(staff_url).status_code == 302


def test_the_admin_page_marks_the_attachments_the_citizen_sees(client, world, handling):
    petition, _token = handling
    _report(client, world, petition, attachment1=_pdf("答复函.pdf"), public1="on")
    _report_more = ResultAttachment.objects.create(
        petition=petition, name="内部签报.pdf", file=SimpleUploadedFile("x.pdf", PDF)
    )
    client.force_login(make_user(superuser=True))
    response = client.get(reverse("admin:petitions_petition_change", args=[petition.pk]))
    text = page_text(response).replace(" ", "")
    assert f"答复函.pdf（{tr('shown to the citizen')}）" in text
    assert f"{_report_more.name}（" not in text
