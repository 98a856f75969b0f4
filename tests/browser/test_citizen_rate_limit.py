"""A citizen over the submission limit, on a 375×667 phone: the same form, the message at
the top, what they typed still there, a word about the photos, and nothing sent."""

from types import SimpleNamespace

import pytest
from django.test import override_settings
from django_ratelimit import core

from liaison import network
from petitions.models import Petition
from tests.base import make_representative, make_station, make_town, make_village
from tests.helpers import clear_own_cache, jpeg_bytes, tr

pytestmark = [pytest.mark.browser]

FIRST = "石镇社区门口路灯坏了一个多月，晚上出行很不安全。"
SECOND = "村委会旁边的垃圾站已经一周没有清运，气味很大，影响周边住户。"


@pytest.fixture
def limits_on(settings, monkeypatch):
    settings.RATELIMIT_ENABLE = True
    # One instant for both submissions: no window edge falls between them.
    clock = SimpleNamespace(time=lambda: 1_800_000_000.0)
    monkeypatch.setattr(core, "time", clock)
    monkeypatch.setattr(network, "time", clock)
    clear_own_cache()
    yield
    clear_own_cache()


def test_a_second_concern_within_a_minute_keeps_the_text_and_says_why(
    live_server, phone_page, limits_on, tmp_path
):
    town = make_town("下梁镇")
    station = make_station(town=town, name="石镇社区人大代表联络站")
    rep = make_representative(name="柳春和", station=station)
    make_village(town=town, name="石镇社区")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg_bytes())
    page = phone_page

    with override_settings(SITE_URL=live_server.url):
        form_url = f"{live_server.url}/r/{rep.qr_token}/concern/"
        page.goto(form_url)
        page.locator("textarea[name=text]").fill(FIRST)
        page.get_by_role("button", name="提交").tap()
        page.locator(".tracking-no").wait_for()

        page.goto(form_url)
        page.locator("textarea[name=text]").fill(SECOND)
        page.locator("input[name=name]").fill("王小明")
        page.locator("input[name=consent]").check()
        page.locator("input[name=photo1]").set_input_files(str(photo))
        page.get_by_role("button", name="提交").tap()

        message = page.locator("#too-often")
        message.wait_for()
        assert "提交过于频繁" in message.inner_text()
        photos_again = tr(
            "Please choose your photos again: a browser cannot keep them when the form is "
            "shown again."
        )
        assert photos_again in message.inner_text()
        # At the top of the phone's screen, not below the form.
        box = message.bounding_box()
        assert box is not None and box["y"] < 667
        assert page.locator("textarea[name=text]").input_value() == SECOND
        assert page.locator("input[name=name]").input_value() == "王小明"
        assert page.locator("input[name=consent]").is_checked()
    assert list(Petition.objects.values_list("text", flat=True)) == [FIRST]
