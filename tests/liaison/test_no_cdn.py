"""The no-CDN rule: every page loads only from the portal itself. A government portal in
WeChat must not depend on, or leak its visitors to, any other site."""

import pytest
from django.urls import reverse

from liaison import services
from liaison.models import StationMembership
from tests.base import make_rating, make_representative, make_station, make_town, make_user
from tests.helpers import links_and_sources

pytestmark = pytest.mark.django_db

FOREIGN_PREFIXES = ("http:", "https:", "//")


@pytest.fixture
def county():
    town = make_town("乾佑街道")
    station = make_station(
        town,
        "仁和社区人大代表联络站",
        slug="renhe",
        address="柞水县乾佑街道仁和社区",
        contact_phone="0914-4321002",
        opening_hours="每周一 9:00–12:00",
    )
    make_rating(station, fraction=0.9)
    rep = make_representative("柳春和", mobile="13987654321", user=make_user("daibiao"))
    StationMembership.objects.create(station=station, representative=rep, duty_hours="每月15日")
    return {"station": station, "rep": rep}


def _pages(client, county):
    station, rep = county["station"], county["rep"]
    pages = {
        "home": client.get(reverse("liaison:home")),
        "station list": client.get(reverse("liaison:station_list")),
        "station list, filtered badly": client.get(reverse("liaison:station_list"), {"town": "x"}),
        "station page": client.get(station.get_absolute_url()),
        "station QR page": client.get(station.get_qr_path()),
        "representative page": client.get(rep.get_absolute_url()),
        "login page": client.get(reverse("login")),
    }
    client.force_login(rep.user)
    pages["my page"] = client.get(reverse("liaison:my_page"))
    client.force_login(make_user(staff=True))
    pages["QR card sheet"] = client.get(reverse("liaison:qr_cards"), {"station": station.pk})
    pages["QR card sheet, empty"] = client.get(reverse("liaison:qr_cards"))
    client.logout()
    return pages


def test_it_renders_every_page_it_checks(client, county):
    for name, response in _pages(client, county).items():
        assert response.status_code == 200, name


def test_it_loads_nothing_from_another_site(client, county):
    for name, response in _pages(client, county).items():
        values = links_and_sources(response)
        assert values, name
        foreign = [v for v in values if v.strip().lower().startswith(FOREIGN_PREFIXES)]
        assert foreign == [], f"{name} refers to {foreign}"


def test_it_styles_pages_with_the_bundled_bootstrap(client, county):
    response = client.get(reverse("liaison:home"))
    assert any("vendor/bootstrap" in v and v.endswith(".css") for v in links_and_sources(response))


def test_it_loads_nothing_from_another_site_on_the_replaced_page(client, county):
    old = county["rep"].get_absolute_url()
    services.representative_rotate_qr_token(representative=county["rep"])
    response = client.get(old)
    assert response.status_code == 410
    assert not [v for v in links_and_sources(response) if v.startswith(FOREIGN_PREFIXES)]


def test_it_loads_nothing_from_another_site_on_the_error_pages(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not [v for v in links_and_sources(response) if v.startswith(FOREIGN_PREFIXES)]
