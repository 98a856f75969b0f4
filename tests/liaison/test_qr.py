"""What a citizen's phone reads from a printed code: decode the PNG a scanner would see,
follow the URL it holds, and land on the right page (一人一码, 一站一码)."""

import pytest
from django.urls import reverse

from liaison import qrcodes, services
from tests.base import make_representative, make_station
from tests.helpers import decode_qr, page_text, path_of, tr

pytestmark = pytest.mark.django_db

SITE_URL = "https://rd.example.cn"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def _scan(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    texts = decode_qr(response.content)
    assert len(texts) == 1, texts
    return texts[0]


def test_it_encodes_a_representatives_absolute_url_in_their_qr_code(client):
    rep = make_representative("扫码代表", station=make_station())

    text = _scan(client, reverse("liaison:representative_qr", args=[rep.qr_token, "png"]))

    assert text == SITE_URL + rep.get_absolute_url()
    assert text == rep.qr_url
    assert text.startswith("https://rd.example.cn/r/")


def test_it_leads_a_scanner_of_a_representatives_code_to_their_page(client):
    rep = make_representative("扫码代表", station=make_station())
    text = _scan(client, reverse("liaison:representative_qr", args=[rep.qr_token, "png"]))

    page = client.get(path_of(text))

    assert page.status_code == 200
    assert page.context["rep"] == rep
    assert "扫码代表" in page_text(page)


def test_it_encodes_a_stations_absolute_qr_url_in_its_code(client):
    station = make_station(name="扫码联络站")

    text = _scan(client, reverse("liaison:station_qr", args=[station.qr_token, "png"]))

    assert text == SITE_URL + station.get_qr_path()
    assert text == station.qr_url
    assert text.startswith("https://rd.example.cn/s/")


def test_it_leads_a_scanner_of_a_stations_code_to_the_station_page(client):
    station = make_station(name="扫码联络站")
    make_representative("站内代表", station=station)
    text = _scan(client, reverse("liaison:station_qr", args=[station.qr_token, "png"]))

    page = client.get(path_of(text))

    assert page.status_code == 200
    assert page.context["station"] == station
    assert "扫码联络站" in page_text(page)
    assert "站内代表" in page_text(page)


def test_it_prints_a_new_code_after_a_representatives_code_is_replaced(client):
    rep = make_representative("换码代表", station=make_station())
    old_text = _scan(client, reverse("liaison:representative_qr", args=[rep.qr_token, "png"]))

    rep = services.representative_rotate_qr_token(representative=rep)
    new_text = _scan(client, reverse("liaison:representative_qr", args=[rep.qr_token, "png"]))

    assert new_text != old_text
    assert new_text == SITE_URL + rep.get_absolute_url()
    fresh = client.get(path_of(new_text))
    assert fresh.status_code == 200
    assert "换码代表" in page_text(fresh)
    stale = client.get(path_of(old_text))
    assert stale.status_code == 410
    assert tr("This code has been replaced") in page_text(stale)
    assert "换码代表" not in stale.content.decode()


def test_it_prints_a_new_code_after_a_stations_code_is_replaced(client):
    station = make_station(name="换码联络站")
    old_text = _scan(client, reverse("liaison:station_qr", args=[station.qr_token, "png"]))

    station = services.station_rotate_qr_token(station=station)
    new_text = _scan(client, reverse("liaison:station_qr", args=[station.qr_token, "png"]))

    assert new_text != old_text
    assert new_text == SITE_URL + station.get_qr_path()
    fresh = client.get(path_of(new_text))
    assert fresh.status_code == 200
    assert "换码联络站" in page_text(fresh)
    stale = client.get(path_of(old_text))
    assert stale.status_code == 410
    assert tr("This code has been replaced") in page_text(stale)
    assert "换码联络站" not in stale.content.decode()


def test_it_follows_the_configured_site_url(client, settings):
    settings.SITE_URL = "https://another.example.org"
    rep = make_representative()
    text = _scan(client, reverse("liaison:representative_qr", args=[rep.qr_token, "png"]))
    assert text == "https://another.example.org" + rep.get_absolute_url()


def test_it_draws_codes_that_decode_at_a_small_box_size_too():
    url = SITE_URL + "/r/" + "A" * 32 + "/"
    assert decode_qr(qrcodes.qr_png(url, box_size=4)) == [url]


def test_it_embeds_an_svg_element_without_an_xml_prolog():
    inline = qrcodes.qr_svg_inline(SITE_URL + "/r/" + "A" * 32 + "/")
    assert inline.startswith("<svg")
    assert "<?xml" not in inline
    assert inline.rstrip().endswith("</svg>")
    assert inline.count("<svg") == 1
