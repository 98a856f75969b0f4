"""A citizen scans a representative's QR code on a phone."""

import io

import pytest
import zxingcpp
from django.test import override_settings
from PIL import Image

from liaison import qrcodes
from tests.base import make_representative, make_station
from tests.helpers import assert_image_loads

pytestmark = [pytest.mark.browser]


def test_it_opens_a_representatives_qr_url_on_a_phone(live_server, phone_page):
    station = make_station(name="石镇社区人大代表联络站", opening_hours="每周一 9:00–12:00")
    rep = make_representative(name="柳春和", station=station)
    with override_settings(SITE_URL=live_server.url):
        url = rep.qr_url
        # What the printed card holds is what the phone opens.
        decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qrcodes.qr_png(url))))
    assert decoded[0].text == url

    phone_page.goto(decoded[0].text)

    assert phone_page.locator("html").get_attribute("lang") == "zh-hans"
    assert phone_page.locator("h1").inner_text() == "柳春和"
    assert "石镇社区人大代表联络站" in phone_page.content()
    # The page's own QR image loads, and nothing is wider than the phone.
    assert_image_loads(phone_page, "img.qr-img")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
