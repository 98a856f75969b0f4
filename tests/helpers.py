"""What tests of every app share: reading a page, the portal's words, the administration's
URLs and forms, and images good and hostile.

The suite runs both with and without compiled translations (`make test` compiles them),
so expected interface text is always looked up through gettext in the language a client
without an Accept-Language header gets: settings.LANGUAGE_CODE.
"""

import io
import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.urls import reverse
from django.utils import translation
from PIL import Image

# The browser tests' record of what the Content-Security-Policy refused (axe_serious_violations).
from tests import conftest

# --- pages and words -------------------------------------------------------------------------


def tr(message: str) -> str:
    """``message`` as the portal shows it to a visitor who sent no language preference."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(translation.gettext(message))


def in_site_language(lazy) -> str:
    """A lazy string (a choice label, say) rendered in the portal's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(lazy)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.texts.append(data)


def parse(response_or_html) -> _Page:
    html = response_or_html
    if not isinstance(html, str):
        html = response_or_html.content.decode("utf-8")
    page = _Page()
    page.feed(html)
    page.close()
    return page


def page_text(response_or_html) -> str:
    """The visible text of a page, entities decoded, runs of whitespace collapsed."""
    return re.sub(r"\s+", " ", " ".join(parse(response_or_html).texts)).strip()


def tags(response_or_html, name: str) -> list[dict[str, str | None]]:
    """The attributes of every ``<name>`` element of a page."""
    return [attrs for tag, attrs in parse(response_or_html).tags if tag == name]


def links_and_sources(response_or_html) -> list[str]:
    """Every ``src`` and ``href`` attribute value of a page, in document order."""
    values = []
    for _tag, attrs in parse(response_or_html).tags:
        for key in ("src", "href"):
            if attrs.get(key) is not None:
                values.append(attrs[key])
    return values


def decode_qr(png: bytes) -> list[str]:
    """The texts of every QR code zxing-cpp finds in a PNG image."""
    # A native library that only the QR tests need loaded.
    import zxingcpp

    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def path_of(url: str) -> str:
    return urlsplit(url).path


def count_substring(haystack: str, needle: str) -> int:
    return len(re.findall(re.escape(needle), haystack))


# --- the administration ----------------------------------------------------------------------


def admin_url(model: str | type[Model], view: str, *args) -> str:
    """The admin's ``view`` ("changelist", "add", "change", "history" …) of ``model``, a class
    or a label such as "points.PointEntry": nobody needs to know which app keeps a model."""
    if isinstance(model, str):
        model = apps.get_model(model)
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def admin_form_data(fields: dict, prefix: str, rows: list[dict], **more) -> dict:
    """A change form's POST: ``fields``, then ``more``, then the inline ``prefix``'s
    management form and ``rows`` (True as a ticked box, False left out, as a browser sends)."""
    data = {
        **fields,
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(sum(1 for r in rows if "id" in r)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        "_save": "1",
    }
    data.update(more)
    for index, row in enumerate(rows):
        for key, value in row.items():
            if value is True:
                value = "on"
            if value is not False:
                data[f"{prefix}-{index}-{key}"] = value
    return data


def duty_day_data(station, on, rows, **fields):
    """A duty day's change form, its roster's shifts as ``rows``."""
    return admin_form_data(
        {"station": station.pk, "date": on.isoformat(), "hours": "9:00–12:00"},
        "shifts",
        rows,
        **fields,
    )


# --- images and uploads ----------------------------------------------------------------------

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


# --- accessibility (axe-core in the browser tests) -------------------------------------------

# Vendored, like every script the portal loads (no CDN, no network in the tests); MPL-2.0,
# its licence beside it. Injected into the page by the test only: the portal never ships it.
AXE_JS = (
    Path(__file__).resolve().parent / "browser" / "vendor" / "axe-core" / "4.10.3" / "axe.min.js"
)

# The WCAG 2.1 A and AA rules (contrast, labels, names, language …) and axe's best practices.
AXE_OPTIONS = {"resultTypes": ["violations"]}

# What fails a test: issue 13 asks for no serious or critical violation; "minor" and
# "moderate" ones are reported by axe but left to judgement.
AXE_FAILING_IMPACTS = ("serious", "critical")


def axe_serious_violations(page) -> list[str]:
    """One line per element of each serious or critical axe-core violation on ``page`` as it
    is now: the rule, its impact, the element and axe's summary of what is wrong. axe is
    evaluated through the browser's debugging protocol, not added as a <script> element: the
    page's Content-Security-Policy (rightly) refuses an injected script, and the page is
    scanned under the policy it is served with."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    before = len(conftest.CSP_VIOLATIONS)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    # axe reads some style sheets by copying them into <style> elements of its own
    # (css-orientation-lock), which the page's policy refuses: those refusals are the test
    # tool's, not the page's, and are dropped (a round trip first, so they have all arrived).
    page.evaluate("0")
    del conftest.CSP_VIOLATIONS[before:]
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in AXE_FAILING_IMPACTS:
            continue
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or violation["help"]).split())
            lines.append(
                f"{violation['id']} ({violation['impact']}) at {' '.join(map(str, node['target']))}:"
                f" {summary}"
            )
    return lines


def assert_no_serious_violations(page) -> None:
    """Fail with every serious or critical axe-core violation on ``page``."""
    lines = axe_serious_violations(page)
    assert not lines, f"axe-core on {page.url}:\n" + "\n".join(lines)


def assert_image_loads(page, selector: str) -> None:
    """The first image matching ``selector`` arrives whole. It is scrolled into view (it may
    load lazily) and waited for, since a click that navigates does not wait for images; a
    broken image never completes with a width, so this fails by timing out."""
    image = page.locator(selector).first
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=15000
    )


def clear_own_cache() -> None:
    """Empty this test process's cache keys only. On Redis, ``cache.clear()`` empties the
    whole database: the other xdist process's keys (its sign-in counters in the middle of a
    lock-out test) and Celery's queues with them."""
    from django.conf import settings
    from django.core.cache import cache

    config = settings.CACHES["default"]
    if "redis" not in config["BACKEND"].lower():
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    # Django writes keys as "<KEY_PREFIX>:<version>:<key>" (conftest gives each process
    # its own prefix).
    for key in client.scan_iter(match=f"{config.get('KEY_PREFIX', '')}:*"):
        client.delete(key)


# --- signing in ------------------------------------------------------------------------------


def sign_in(client, username: str, password: str) -> bool:
    """Sign ``client`` in through the sign-in form, as a person does; whether it worked.
    (``client.login`` calls authenticate() without a request, which django-axes refuses: it
    locks a username per address, and needs the request to know the address.)"""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session
