"""What the citizen-page tests share: images good and hostile, a filled-in form, and a
concern driven through the workflow to the point where the citizen rates it."""

import io
import struct
import uuid
import zlib
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from liaison.models import HandlingUnit, StaffScope
from petitions import workflow
from petitions.models import Category, Petition
from tests.base import make_representative, make_station, make_town, make_user, make_village

GOOD_TEXT = "村口的道路破损严重，下雨天积水很深，老人孩子出行很不方便。"

# EXIF tags
ORIENTATION, MAKE, GPS_IFD = 0x0112, 0x010F, 0x8825


# --- images --------------------------------------------------------------------------------


def jpeg_bytes(size=(64, 48), color=(200, 30, 30), exif: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is None:
        image.save(buffer, "JPEG")
    else:
        image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def gps_jpeg() -> bytes:
    """A 200×100 photo, red on the left and blue on the right, whose EXIF says "rotate
    90° clockwise to view" (orientation 6) and carries a GPS position and a camera make."""
    image = Image.new("RGB", (200, 100), (255, 0, 0))
    image.paste((0, 0, 255), (100, 0, 200, 100))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "SpyCam"
    exif[GPS_IFD] = {1: "N", 2: (33.0, 41.0, 7.0), 3: "E", 4: (109.0, 6.0, 30.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), quality=95)
    data = buffer.getvalue()
    # The sample really carries what the portal must remove.
    check = Image.open(io.BytesIO(data)).getexif()
    assert check[ORIENTATION] == 6 and check.get_ifd(GPS_IFD)
    return data


def image_bytes(fmt: str, size=(40, 30), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    color = (10, 120, 200, 128) if mode == "RGBA" else (10, 120, 200)
    Image.new(mode, size, color).save(buffer, fmt)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims ``width``×``height`` pixels: a decompression
    bomb as far as any decoder that trusts the header is concerned."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + _png_chunk(b"IEND", b"")
    )


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files() -> list[Path]:
    """Every file under MEDIA_ROOT (a temporary folder per test)."""
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- places, people, forms -------------------------------------------------------------------


def category(name="道路交通") -> Category:
    return Category.objects.get_or_create(name=name)[0]


def rep_at_one_station():
    town = make_town()
    station = make_station(town=town)
    rep = make_representative(station=station)
    make_village(town=town)
    return rep, station


def rep_url(rep) -> str:
    return reverse("petitions:concern_to_representative", args=[rep.qr_token])


def station_url(station) -> str:
    return reverse("petitions:concern_to_station", args=[station.qr_token])


def form_data(**overrides) -> dict:
    data = {
        "category": category().pk,
        "text": GOOD_TEXT,
        "village": "",
        "name": "",
        "mobile": "",
        "consent": "on",
        "submit_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(client, url, **overrides):
    """Post the form; returns (response, petition or None, token or None)."""
    response = client.post(url, form_data(**overrides))
    if response.status_code != 200 or "token" not in (response.context or {}):
        return response, None, None
    return response, response.context["petition"], response.context["token"]


def tracking_path(token: str) -> str:
    return reverse("petitions:track", args=[token])


# --- the workflow, up to the citizen's rating ------------------------------------------------


def county_staff():
    user = make_user(staff=True)
    StaffScope.objects.create(user=user, level=StaffScope.Level.COUNTY)
    return user


def unit_with_member():
    unit = HandlingUnit.objects.create(
        name=f"测试局{uuid.uuid4().hex[:6]}", kind=HandlingUnit.Kind.COUNTY_DEPARTMENT
    )
    member = make_user()
    unit.members.add(member)
    return unit, member


def drive_to_reported(petition: Petition, *, result="路面已修复，积水已排除。") -> Petition:
    """Collect, assign, acknowledge and report ``petition`` through the workflow only."""
    staff = county_staff()
    unit, member = unit_with_member()
    workflow.petition_collect(
        petition=petition,
        actor=staff,
        category=category(),
        level=Petition.Level.COUNTY,
        town=petition.town or make_town(),
    )
    workflow.petition_assign(petition=petition, actor=staff, unit=unit)
    workflow.petition_accept(petition=petition, actor=member)
    workflow.petition_report(
        petition=petition, actor=member, result=result, outcome=Petition.Outcome.SOLVED
    )
    petition.refresh_from_db()
    return petition


def report_again(petition: Petition, *, result="已重新施工并验收。") -> Petition:
    member = petition.unit.members.first()
    workflow.petition_report(
        petition=petition, actor=member, result=result, outcome=Petition.Outcome.SOLVED
    )
    petition.refresh_from_db()
    return petition
