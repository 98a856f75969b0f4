"""码上说 in three taps (issue 13, item 4): from a representative's or a station's QR page on
a 375×667 phone in WeChat, a citizen taps 我要反映, taps the text box and types, taps 提交,
and holds a tracking number. With JavaScript on, and off (as some WeChat set-ups run it)."""

import pytest
from django.test import override_settings

from petitions.models import Petition
from tests.base import make_representative, make_station, make_town, make_village

pytestmark = [pytest.mark.browser]

# WeChat's in-app browser on Android, as the QR codes are mostly scanned with it.
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 12; V2118A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 "
    "XWEB/5023 MMWEBSDK/20230202 MMWEBID/1234 MicroMessenger/8.0.33.2320(0x28002151) "
    "WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
TEXT = "石镇社区门口路灯坏了一个多月，晚上出行很不安全。"


class Taps:
    """Every tap of the test goes through here, so their number is the number a citizen
    needs. Typing is not a tap; nor is the scrolling Playwright does to reach a control."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        self.count += 1
        locator.tap()


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def wechat_page(request, browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 667},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        user_agent=WECHAT_UA,
        java_script_enabled=request.param,
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("where", ["representative", "station"])
def test_a_citizen_sends_a_concern_in_three_taps(live_server, wechat_page, where):
    town = make_town("下梁镇")
    station = make_station(town=town, name="石镇社区人大代表联络站")
    rep = make_representative(name="柳春和", station=station)
    make_village(town=town, name="石镇社区")
    page, tap = wechat_page, Taps()

    with override_settings(SITE_URL=live_server.url):
        page.goto(rep.qr_url if where == "representative" else station.qr_url)

        tap(page.get_by_role("link", name="我要反映"))
        page.wait_for_url("**/concern/")
        tap(page.locator("textarea[name=text]"))
        page.keyboard.type(TEXT)
        tap(page.get_by_role("button", name="提交"))

        number = page.locator(".tracking-no")
        number.wait_for()
        assert tap.count == 3

        petition = Petition.objects.get()
        assert number.inner_text().strip() == petition.tracking_no
        assert (
            page.locator(".tracking-link a")
            .get_attribute("href")
            .startswith(f"{live_server.url}/t/")
        )
    assert petition.text == TEXT
    assert petition.category is None
    assert petition.citizen_name == petition.citizen_phone == ""
    assert petition.consent_at is None
    if where == "representative":
        assert petition.representative == rep
    assert petition.station == station


def test_a_name_without_consent_is_asked_for_it_and_nothing_typed_is_lost(live_server, wechat_page):
    station = make_station(name="石镇社区人大代表联络站")
    rep = make_representative(name="柳春和", station=station)
    page = wechat_page

    with override_settings(SITE_URL=live_server.url):
        page.goto(rep.qr_url)
        page.get_by_role("link", name="我要反映").tap()
        page.locator("textarea[name=text]").fill(TEXT)
        page.locator("input[name=name]").fill("王小明")
        page.get_by_role("button", name="提交").tap()

        message = page.get_by_text("您填写了姓名或手机号：请勾选同意上方的说明")
        message.wait_for()
        assert Petition.objects.count() == 0
        assert page.locator("textarea[name=text]").input_value() == TEXT
        assert page.locator("input[name=name]").input_value() == "王小明"
        # The notice the box refers to is still above the button.
        notice = page.locator("section.notice").bounding_box()
        button = page.get_by_role("button", name="提交").bounding_box()
        assert notice["y"] + notice["height"] <= button["y"]

        page.locator("input[name=consent]").tap()
        page.get_by_role("button", name="提交").tap()
        page.locator(".tracking-no").wait_for()

    petition = Petition.objects.get()
    assert petition.citizen_name == "王小明"
    assert petition.consent_at is not None
