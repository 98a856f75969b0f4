"""Issue #11, rhythm and key issues in a browser: a representative on a phone opens their key
issue and adds a progress note; staff at 1280×800 see this quarter's coverage and set the
year's themes; the station page shows the themes of today on a phone. Screenshots go to
var/screenshots/issue11/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from keyissues.models import KeyIssueNote
from liaison import rhythm
from tests.base import make_station, make_world
from tests.browser.steps import sign_in
from tests.keyissues.helpers import make_issue, solve

pytestmark = [pytest.mark.browser]
PASSWORD = "pw-for-tests-1"
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "issue11"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, animations="disabled")


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _themes():
    year = timezone.localdate().year
    entries = {slot: (f"{slot[1]}月活动", "") for slot in rhythm.SLOTS if slot[0] == "month"}
    entries.update({("quarter", n): (f"第{n}季主题", "") for n in range(1, 5)})
    entries[("year", None)] = ("推进基层治理·共建和美乡村", "主题活动")
    today = timezone.localdate()
    entries[("month", today.month)] = ("矛盾纠纷排查月", "")
    rhythm.theme_year_save(year=year, entries=entries, actor=None)


def test_a_representative_adds_a_note_to_their_key_issue_on_a_phone(live_server, phone_page):
    world = make_world()
    issue = make_issue(world, title="通村道路雨天积水")
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", world.rep_a_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/me/tasks/")
    page.click("a[href='/key-issues/']")
    page.wait_for_load_state()
    _fits(page)
    _shot(page, "rhythm-keyissue-list")
    page.click(f"a[href='/key-issues/{issue.pk}/']")
    page.wait_for_load_state()
    page.fill("textarea[name=text]", "已进村入户走访，收集群众意见15条。")
    page.click("#add-note button[type=submit]")
    page.wait_for_load_state()
    assert "已进村入户走访" in page.inner_text("#notes")
    _fits(page)
    _shot(page, "rhythm-keyissue-detail")
    assert KeyIssueNote.objects.get(issue=issue).by == world.rep_a_user


def test_staff_see_the_coverage_and_set_the_rhythm_at_1280(live_server, browser):
    world = make_world()
    make_station(town=world.town_a, name="丙村联络点")
    make_issue(world, title="集镇停车难")
    solve(world, make_issue(world, title="饮水季节性短缺"))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = sign_in(context, live_server, world.county)
    page.goto(f"{live_server.url}/admin/")
    page.click("#keyissues-module a[href='/staff/key-issues/coverage/']")
    page.wait_for_load_state()
    without = page.inner_text("#without")
    assert "丙村联络点" in without and world.station_b.name in without
    assert "集镇停车难" in page.inner_text("#issues")
    _fits(page)
    _shot(page, "rhythm-coverage")

    page.goto(f"{live_server.url}/admin/")
    page.click("#rhythm-module a")
    page.wait_for_load_state()
    page.fill("input[name=year_title]", "推进基层治理·共建和美乡村")
    page.fill("input[name=quarter_4_title]", "基层治理提升季")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.input_value("input[name=quarter_4_title]") == "基层治理提升季"
    _fits(page)
    _shot(page, "rhythm-staff-themes")
    context.close()


def test_the_station_page_shows_the_themes_on_a_phone(live_server, phone_page):
    world = make_world()
    _themes()
    page = phone_page
    page.goto(f"{live_server.url}{world.station_a.get_absolute_url()}")
    text = page.inner_text("#rhythm")
    assert "推进基层治理·共建和美乡村" in text and "矛盾纠纷排查月" in text
    _fits(page)
    _shot(page, "rhythm-station")
