"""The browser tests run under the Content-Security-Policy and fail on any refusal
(tests/conftest.py, ``watch_csp``): proved here on a page that breaks it on purpose, served
by the live server with the site's header (tests/csp_urls.py). The admin, under the same
policy, is walked in tests/browser/test_csp_admin.py."""

import pytest

from tests import conftest

pytestmark = [pytest.mark.browser]


@pytest.mark.urls("tests.csp_urls")
def test_a_page_with_inline_style_script_and_handler_is_caught(live_server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 667}, locale="zh-CN")
    page = context.new_page()
    response = page.goto(live_server.url + "/test-only/inline/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.get_by_role("button").click()
    # Nothing inline ran: the title is the page's own.
    assert page.title() == "inline"
    # The red of the inline style was not applied either.
    assert page.eval_on_selector("p", "p => getComputedStyle(p).color") == "rgb(0, 0, 0)"
    context.close()
    caught = list(conftest.CSP_VIOLATIONS)
    # Taken, so that this test, which broke the policy on purpose, passes its teardown.
    conftest.CSP_VIOLATIONS.clear()
    joined = "\n".join(caught)
    assert "inline style" in joined
    assert "inline script" in joined
    assert "inline event handler" in joined
