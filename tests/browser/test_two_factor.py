"""Two-factor sign-in in a browser (issue #10), on a 1280×800 screen: a new county staff
account sets up its authenticator (the code computed from the secret the page shows, as the
phone would), keeps its recovery codes (printed with the page's button) and reaches the
admin; signing in again asks for the code."""

import time

import pytest

from tests.base import make_world
from tests.helpers import axe_serious_violations
from tests.second_factor import code_from_secret

pytestmark = [pytest.mark.browser]
PASSWORD = "pw-for-tests-1"


@pytest.fixture
def desktop(browser):
    # Under the site's policy, as every browser test (tests/conftest.py, watch_csp).
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    # Printing is the browser's dialog: count the calls instead.
    context.add_init_script(
        "window.print = () => { window.__printed = (window.__printed || 0) + 1; };"
    )
    yield context
    context.close()


def _password(page, live_server, user, next_url="/admin/"):
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def test_a_new_county_staff_account_sets_up_its_phone_and_signs_in_with_it(live_server, desktop):
    world = make_world()
    page = desktop.new_page()
    _password(page, live_server, world.county)
    assert "/accounts/two-factor/enrol/" in page.url
    assert page.locator(".two-factor-qr svg").is_visible()
    secret = page.locator("[data-testid=secret]").inner_text()
    assert not axe_serious_violations(page)

    page.fill("input[name=code]", "000000")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "验证码不正确" in page.locator("main").inner_text()

    page.fill("input[name=code]", code_from_secret(secret))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/two-factor/codes/" in page.url
    codes = page.locator(".two-factor-code-list code").all_inner_texts()
    assert len(codes) == 10
    assert not axe_serious_violations(page)
    page.click("button[data-print]")
    assert page.evaluate("window.__printed") == 1
    page.click("a[data-continue]")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/admin/"

    # Signing in again: the code of the authenticator now (the next step's, which it
    # accepts too, since this one was used a moment ago).
    desktop.clear_cookies()
    _password(page, live_server, world.county)
    assert page.url.startswith(f"{live_server.url}/accounts/two-factor/?next=")
    assert not axe_serious_violations(page)
    page.fill("input[name=code]", code_from_secret(secret, at=time.time() + 30))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/admin/"


def test_a_representative_turns_two_factor_sign_in_on_from_a_phone(live_server, phone_page):
    world = make_world()
    page = phone_page
    _password(page, live_server, world.rep_a_user, next_url="/accounts/two-factor/manage/")
    assert page.url == f"{live_server.url}/accounts/two-factor/manage/"
    assert "未开启" in page.locator("main").inner_text()
    assert not axe_serious_violations(page)

    page.click("main a[href^='/accounts/two-factor/enrol/']")
    page.wait_for_load_state()
    secret = page.locator("[data-testid=secret]").inner_text()
    page.fill("input[name=code]", code_from_secret(secret))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".two-factor-code-list code").count() == 10
    page.click("a[data-continue]")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/accounts/two-factor/manage/"
    assert "还剩 10 个" in page.locator("main").inner_text()
    assert not axe_serious_violations(page)
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
