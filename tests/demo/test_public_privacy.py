"""No public page shows a phone number or a private person's name (issue #11's acceptance):
an anonymous visitor walks every page the public pages link to (stations, their grids,
representatives), and each is scanned for mainland mobile numbers and for the names of the
demo's citizens and mediation parties."""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from liaison.models import Deputy, Leader, Representative
from petitions.models import Petition

pytestmark = pytest.mark.django_db

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
HREF = re.compile(r'href="(/[^"#?]*)"')
# The public pages a visitor can walk to; forms (posting a concern) and files are left out.
PUBLIC_PREFIXES = ("/stations/", "/r/", "/grids/", "/s/", "/boards/")
SKIP = re.compile(r"/(concern|qr\.(png|svg))/?$|qr\.(png|svg)$")


def _walk(client, start: str, limit: int = 400) -> dict[str, str]:
    pages, queue = {}, deque([start])
    while queue and len(pages) < limit:
        url = queue.popleft()
        if url in pages:
            continue
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        for link in HREF.findall(html):
            path = urlsplit(link).path
            if path.startswith(PUBLIC_PREFIXES) and not SKIP.search(path) and path not in pages:
                queue.append(path)
    return pages


def _private_names() -> set[str]:
    """Citizens' and mediation parties' names, less any that is also a public person's (a
    representative, a 议政代表 or a leader of the same name is not a leak)."""
    names = set(Petition.objects.exclude(citizen_name="").values_list("citizen_name", flat=True))
    try:
        party = apps.get_model("mediation", "Party")
    except LookupError:  # pragma: no cover - the mediation app always has parties
        party = None
    if party is not None:
        names |= set(party.objects.values_list("name", flat=True))
    public = set(Representative.objects.values_list("name", flat=True))
    public |= set(Deputy.objects.values_list("name", flat=True))
    public |= set(Leader.objects.values_list("name", flat=True))
    return {name for name in names - public if len(name) >= 2}


@pytest.fixture(scope="module")
def public_pages(demo, django_db_blocker):
    with django_db_blocker.unblock():
        client = Client()
        pages = _walk(client, reverse("liaison:station_list"))
        pages.update(_walk(client, reverse("liaison:home")))
    return pages


def test_the_walk_reaches_stations_grids_and_representatives(public_pages):
    kinds = {url.split("/")[1] for url in public_pages}
    # The public boards (issue #14) too: the county's, its towns', stations' and units'.
    assert {"stations", "r", "grids", "boards"} <= kinds
    assert {"/boards/", "/boards/stations/", "/boards/units/"} <= set(public_pages)
    assert len(public_pages) > 100


def test_no_public_page_shows_a_mobile_number(public_pages):
    leaks = {url: MOBILE.findall(html) for url, html in public_pages.items() if MOBILE.search(html)}
    assert leaks == {}


def test_no_public_page_names_a_citizen_or_a_party(public_pages):
    names = _private_names()
    assert names, "the demo has citizens and parties to look for"
    leaks = {
        url: sorted(name for name in names if name in html)
        for url, html in public_pages.items()
        if any(name in html for name in names)
    }
    assert leaks == {}
