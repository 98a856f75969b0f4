"""Issue 11's acceptance for mediation in a browser: on a 375×667 phone, a mediating
representative records a session and closes the mediation with an agreement, and sees the
parties' names masked; town staff at 1280×800 see the summary with the success rate."""

from pathlib import Path

import pytest
from django.utils import timezone

from mediation import services
from mediation.models import Mediation
from tests.browser.steps import PASSWORD, sign_in
from tests.helpers import assert_no_serious_violations
from tests.mediation.helpers import make_mediation_world, open_mediation

pytestmark = [pytest.mark.browser]
SHOTS = Path("var/screenshots/issue11")


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _passwords(*users):
    for user in users:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def test_a_representative_records_a_session_and_closes_with_success_on_a_phone(
    live_server, phone_page
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    mw = make_mediation_world()
    mediation = open_mediation(mw)
    _passwords(mw.world.rep_a_user)
    context = phone_page.context
    page = sign_in(context, live_server, mw.world.rep_a_user)

    # From the task list to their mediations, then to this one.
    page.goto(f"{live_server.url}/me/tasks/")
    page.click("a[href='/mediations/']")
    page.wait_for_load_state()
    _fits(page, 375)
    page.click(f"a[href='/mediations/{mediation.pk}/']")
    page.wait_for_load_state()
    content = page.content()
    assert "张**" in content and "张三丰" not in content

    page.locator("#form-session summary").click()
    page.fill("#id_session_held_on", timezone.localdate().isoformat())
    page.fill("#id_session_place", "杏坪镇人大代表联络站")
    page.check(f"#form-session input[name=representatives][value='{mw.world.rep_a.pk}']")
    page.fill("#id_session_others", "双方当事人、村委会主任")
    page.fill("#id_session_note", "双方陈述意见，同意以界桩为界。")
    _fits(page, 375)
    page.locator("#form-session button[type=submit]").click()
    page.wait_for_load_state()
    assert "杏坪镇人大代表联络站" in page.locator("#sessions").inner_text()

    page.locator("#form-close summary").click()
    page.check("#form-close input[name=outcome][value=success]")
    page.fill("#id_close_agreement", "双方同意以确权界桩连线为界。")
    _fits(page, 375)
    page.locator("#form-close button[type=submit]").click()
    page.wait_for_load_state()
    assert "双方同意以确权界桩连线为界" in page.locator("#outcome").inner_text()
    mediation.refresh_from_db()
    assert mediation.outcome == Mediation.Outcome.SUCCESS
    _fits(page, 375)
    page.screenshot(path=str(SHOTS / "mediation-detail.png"), full_page=True)
    assert_no_serious_violations(page)


def test_town_staff_see_the_summary_on_a_desk(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    mw = make_mediation_world()
    first = open_mediation(mw)
    services.mediation_close(
        mediation=first, outcome="success", agreement="协议", actor=mw.world.town_staff_a
    )
    _passwords(mw.world.town_staff_a)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    try:
        page = sign_in(context, live_server, mw.world.town_staff_a)
        page.goto(f"{live_server.url}/admin/")
        page.click("#mediation-module a[href='/staff/mediations/summary/']")
        page.wait_for_load_state()
        text = page.locator("#content-main").inner_text()
        assert "甲镇" in text and "100.0%" in text
        _fits(page, 1280)
        page.screenshot(path=str(SHOTS / "mediation-summary.png"), full_page=True)
        page.goto(f"{live_server.url}/mediations/")
        _fits(page, 1280)
        page.screenshot(path=str(SHOTS / "mediation-list.png"), full_page=True)
    finally:
        context.close()
