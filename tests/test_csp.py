"""The Content-Security-Policy (issue #10, §3): on every page, no 'unsafe-inline', and no page
needs it: no HTML body holds a style="…" attribute, a <style> element, a <script> without
src or an on…= handler (the browser tests fail on any refusal besides: tests/conftest.py).

The sweep reuses tests/test_phones.py's (every admin list and change page, every page of the
site without an argument, every concern's work page, every public page) as county staff,
a superuser, town staff, a representative and a unit, then walks the citizen's pages and the
error pages anonymously.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from petitions.models import Petition
from tests import conftest
from tests.base import make_user
from tests.helpers import jpeg_bytes, upload
from tests.petitions.citizen_helpers import rep_url, station_url, submit, tracking_path
from tests.test_phones import _admin_urls, _persona, _work_urls, world  # noqa: F401 (fixture)
from tests.test_settings import PRODUCTION_ENV, _manage

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"
# The policy of issue #10, directive by directive (zhashui_rd/settings.py says why data:).
EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}
# Script elements that hold data, not code: the browser runs none of them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class _Inline(HTMLParser):
    """What in a page the policy would refuse."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, _value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and not names.get("src") and names.get("type") not in DATA_SCRIPT_TYPES:
            self.found.append("<script> without src")
        if any((value or "").strip().lower().startswith("javascript:") for _n, value in attrs):
            self.found.append(f"<{tag} …=javascript:…>")

    handle_startendtag = handle_starttag


def inline_in(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.found


def policy_of(response) -> dict[str, str]:
    header = response.get(HEADER)
    assert header, f"no {HEADER} on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def check(response, url: str) -> None:
    """The header is there, whole, without 'unsafe-…'; an HTML body holds nothing inline."""
    policy = policy_of(response)
    header = response[HEADER]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, url
    assert "nonce-" not in header, url
    for name, value in EXPECTED.items():
        assert policy.get(name) == value, f"{name} is {policy.get(name)!r} at {url}"
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return
    found = inline_in(response.content.decode("utf-8", "replace"))
    assert not found, f"{url} holds {found}"


def test_the_sweep_finds_what_it_looks_for():
    """The checker itself: each thing the policy refuses is found, and nothing else."""
    page = (
        '<p style="color:red">a</p><style>p{}</style><script>alert(1)</script>'
        '<button onclick="x()">b</button><a href="javascript:x()">c</a>'
        '<script src="/static/js/print.js"></script><script type="application/json">{}</script>'
        "<p>style= onclick= only in text</p>"
    )
    assert inline_in(page) == [
        "<p style=…>",
        "<style>",
        "<script> without src",
        "<button onclick=…>",
        "<a …=javascript:…>",
    ]


@pytest.mark.parametrize(
    "role", ["county staff", "superuser", "town staff", "representative", "unit"]
)
def test_every_staff_and_work_page_carries_the_policy_and_nothing_inline(client, world, role):  # noqa: F811
    if role == "county staff":
        user = world.county_clerk
    elif role == "superuser":
        user = make_user("root", staff=True, superuser=True)
    else:
        user, _own = _persona(world, role)
    client.force_login(user)
    urls = _admin_urls() + _work_urls(world, user)
    for url in urls:
        check(client.get(url), url)
    assert len(urls) > 50


def test_every_citizen_page_carries_the_policy_and_nothing_inline(client, world):  # noqa: F811
    """A citizen from the QR code to the rating: public pages, the form, its errors, the
    tracking page with photos, the survey."""
    rep, station = world.rep_a, world.station_a
    urls = [
        reverse("liaison:home"),
        reverse("liaison:station_list"),
        station.get_absolute_url(),
        rep.get_absolute_url(),
        reverse("liaison:station_qr_page", args=[station.qr_token]),
        rep_url(rep),
        station_url(station),
        reverse("login"),
        "/no-such-page/",
        # The public boards (issue #14).
        reverse("petitions:boards"),
        reverse("petitions:boards_stations"),
        reverse("petitions:boards_units"),
        reverse("petitions:boards_town", args=[station.town_id]),
    ]
    for url in urls:
        check(client.get(url), url)
    # The form refused (too short), then sent with a photo: the done page, then tracking.
    check(client.post(rep_url(rep), {"text": "短"}), "refused form")
    response, petition, token = submit(
        client, rep_url(rep), photo_1=upload(jpeg_bytes(size=(900, 600)))
    )
    check(response, "done page")
    petition = Petition.objects.get(pk=petition.pk)
    for url in (tracking_path(token), reverse("petitions:track_survey", args=[token])):
        check(client.get(url), url)


@pytest.mark.urls("tests.csp_urls")
def test_the_error_pages_carry_the_policy_and_nothing_inline(client, world):  # noqa: F811
    """400, 403, 404, 500 and the CSRF failure page, as the site's handlers draw them."""
    client.raise_request_exception = False
    for url, status in (
        ("/test-only/400/", 400),
        ("/test-only/403/", 403),
        ("/no-such-page/", 404),
        ("/test-only/500/", 500),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        check(response, url)
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
    assert response.status_code == 403
    check(response, "403_csrf")


def test_a_refusal_the_browser_reports_fails_the_test():
    """The hook of the browser tests (tests/conftest.py): a console line about the policy is
    recorded and fails the test at teardown; other console lines do not."""
    conftest._csp_message("Failed to load resource: 404")
    conftest.fail_on_csp_violations()
    conftest._csp_message(
        "Refused to apply inline style because it violates the following Content Security "
        "Policy directive: \"style-src 'self'\"."
    )
    with pytest.raises(pytest.fail.Exception, match="Content-Security-Policy refused"):
        conftest.fail_on_csp_violations()
    assert conftest.CSP_VIOLATIONS == []


# Rendered by WeasyPrint into a PDF, never served as a page: its <style> is the PDF's.
NOT_PAGES = {"points/report_pdf.html"}
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def test_no_template_of_ours_holds_anything_inline():
    """Every template, including those no sweep reaches (the library pages we override, such
    as django-import-export's export page), read as HTML."""
    root = Path(settings.BASE_DIR) / "templates"
    found = {}
    for path in sorted(root.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        # Template comments are never sent: read the template without them.
        text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        inline = inline_in(text)
        if inline and name not in NOT_PAGES:
            found[name] = inline
    assert found == {}


def test_csp_report_uri_adds_the_report_uri_directive():
    code = (
        "from django.conf import settings as s; "
        "print(s.CONTENT_SECURITY_POLICY['DIRECTIVES'].get('report-uri'))"
    )
    with_uri = _manage(
        "shell", "-c", code, env={**PRODUCTION_ENV, "CSP_REPORT_URI": "/csp-reports/"}
    )
    assert with_uri.stdout.strip().splitlines()[-1] == "['/csp-reports/']", with_uri.stderr
    without = _manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert without.stdout.strip().splitlines()[-1] == "None", without.stderr
