"""The citizen pages' Bootstrap subset (scripts/purge_bootstrap.py) draws every citizen page
exactly as the whole of Bootstrap does: each page is screenshot on a phone twice, once as
served and once with the whole bootstrap.min.css put in the subset's place, and the two
pictures are the same to the pixel."""

import secrets
from pathlib import Path

import pytest
from django.urls import reverse

from petitions import tracking
from petitions.models import Petition, Step
from tests.base import make_world, receive, to_step

pytestmark = [pytest.mark.browser]

FULL = (
    Path(__file__).resolve().parent.parent.parent
    / "static/vendor/bootstrap/5.3.9/css/bootstrap.min.css"
)


def _phone(browser):
    return browser.new_context(
        viewport={"width": 375, "height": 667},
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )


def _wrong_password(page):
    page.fill("input[name=username]", "nobody")
    page.fill("input[name=password]", "wrong-password")
    page.click("form button[type=submit]")


def _too_short(page):
    # Sent past the browser's own checks, to show the server's error messages.
    page.evaluate("document.querySelector('form.cform').noValidate = true")
    page.fill("textarea[name=text]", "短")
    page.click("form.cform button[type=submit]")


def _shot(context, url: str) -> bytes:
    url, _, act = url.partition("#")
    page = context.new_page()
    page.goto(url)
    if act:
        ACTIONS[act](page)
    page.wait_for_load_state("networkidle")
    shot = page.screenshot(full_page=True, animations="disabled", caret="hide")
    page.close()
    return shot


ACTIONS = {"wrong_password": _wrong_password, "too_short": _too_short}


def test_the_subset_draws_every_citizen_page_as_the_whole_of_bootstrap(live_server, browser):
    world = make_world()
    petition, _ = receive(world, citizen_name="张三", citizen_phone="13700000001")
    to_step(world, petition, Step.REPORTED)
    token = secrets.token_urlsafe(32)
    Petition.objects.filter(pk=petition.pk).update(token_hash=tracking.hash_token(token))
    rep, station = world.rep_a, world.station_a
    paths = [
        reverse("liaison:home"),
        reverse("liaison:station_list"),
        station.get_absolute_url(),
        rep.get_absolute_url(),
        reverse("petitions:concern_to_representative", args=[rep.qr_token]),
        reverse("petitions:concern_to_station", args=[station.qr_token]),
        reverse("petitions:track", args=[token]),
        reverse("login"),
        reverse("login") + "#wrong_password",
        reverse("petitions:concern_to_representative", args=[rep.qr_token]) + "#too_short",
        "/no-such-page/",
    ]
    subset, whole = _phone(browser), _phone(browser)
    swapped = []

    def whole_bootstrap(route):
        swapped.append(route.request.url)
        route.fulfill(path=str(FULL), content_type="text/css")

    whole.route("**/bootstrap.citizen.min.css", whole_bootstrap)
    try:
        differ = [
            p
            for p in paths
            if _shot(subset, live_server.url + p) != _shot(whole, live_server.url + p)
        ]
    finally:
        subset.close()
        whole.close()
    assert differ == []
    # The comparison was real: every page of the second phone had the whole of Bootstrap.
    assert len(swapped) >= len(paths)
