"""Small helpers the liaison tests share: reading HTML, decoding QR codes, translated text.

The suite runs both with and without compiled translations (`make test` compiles them),
so expected interface text is always looked up through gettext in the language a client
without an Accept-Language header gets: settings.LANGUAGE_CODE.
"""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation

from liaison.models import Representative, Station, StationMembership
from tests.base import make_representative, make_station, make_town


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
    import zxingcpp
    from PIL import Image

    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def path_of(url: str) -> str:
    return urlsplit(url).path


def station_with_representatives(count: int, **station_fields) -> Station:
    station = make_station(**station_fields)
    for _ in range(count):
        make_representative(station=station)
    return station


def representative_at_stations(count: int, **rep_fields) -> Representative:
    rep = make_representative(**rep_fields)
    for index in range(count):
        station = make_station(
            town=make_town(), address=f"测试地址{index}", opening_hours="工作日 9:00–17:00"
        )
        StationMembership.objects.create(
            station=station, representative=rep, duty_hours=f"每月{index % 28 + 1}日 9:00–12:00"
        )
    return rep


def count_substring(haystack: str, needle: str) -> int:
    return len(re.findall(re.escape(needle), haystack))
