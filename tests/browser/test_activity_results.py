"""Issue #14, part B, in a browser: county staff open the activities' results from the
administration's index, read the period's sentence, open an activity and add a common issue
researched (picking a concern raised at it) and a followed site. Screenshots go to
var/screenshots/."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from measures.models import ActivityResultEvent, FollowedSite, ResearchedIssue
from tests.base import make_world
from tests.browser.steps import sign_in
from tests.measures.activity_helpers import (
    Kind,
    Level,
    attend,
    guests,
    make_activity,
    make_reps,
    raise_concerns,
)

pytestmark = [pytest.mark.browser]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, animations="disabled")


def test_staff_read_the_results_and_add_an_issue_and_a_site(live_server, browser):
    world = make_world()
    reception = make_activity(
        Kind.DIRECTOR_RECEPTION,
        date(2026, 4, 20),
        station=world.station_a,
        title="主任进站接待代表",
    )
    attend(reception, make_reps(12))
    raise_concerns(reception, 9, level=Level.TOWN)
    raise_concerns(reception, 3, level=Level.COUNTY)
    guests(reception, 1)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = sign_in(context, live_server, world.county)
    page.goto(f"{live_server.url}/admin/")
    page.click("#activity-results-module a[href='/staff/activity-results/']")
    page.wait_for_load_state()
    page.fill("input[name=start]", "2026-01-01")
    page.fill("input[name=end]", "2026-06-30")
    page.click("form.results-filter button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#activity-sentence") == (
        "共接待代表12人次，收集意见建议12条，其中镇级解决9条、提交县级3条。"
    )
    _shot(page, "activity-results-period")

    page.click(f"#activity-rows a[href='/staff/activities/{reception.pk}/results/']")
    page.wait_for_load_state()
    page.fill("#id_issue_title", "老旧小区雨污管网堵塞")
    page.fill("#id_issue_plan", "街道办牵头，会同住建部门调研，纳入明年老旧小区改造计划。")
    page.locator("#researched-issues input[name=petitions]").first.check()
    page.click("#researched-issues form:not(.results-inline) button[type=submit]")
    page.wait_for_load_state()
    assert "老旧小区雨污管网堵塞" in page.inner_text("#researched-issues")
    page.fill("#id_site_name", "金米村和美乡村示范点")
    page.fill("#id_site_problems", "污水管网未全覆盖。")
    page.click("#followed-sites form:not(.results-inline) button[type=submit]")
    page.wait_for_load_state()
    assert "金米村和美乡村示范点" in page.inner_text("#followed-sites")
    assert "新增跟踪督办的示范点" in page.inner_text("#activity-trail")
    _shot(page, "activity-results-activity")
    assert ResearchedIssue.objects.get().petitions.count() == 1
    assert FollowedSite.objects.count() == 1 and ActivityResultEvent.objects.count() == 2

    # On a phone-sized window the page still fits (the tables scroll inside their box).
    phone = browser.new_context(viewport={"width": 375, "height": 667}, locale="zh-CN")
    page = sign_in(phone, live_server, world.county)
    page.goto(f"{live_server.url}/staff/activity-results/?start=2026-01-01&end=2026-06-30")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _shot(page, "activity-results-phone")
