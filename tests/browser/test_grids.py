"""Grids in a browser (issue #11): a citizen on a phone goes from a station's page to its
grid's page; a grid's representative finds a grid concern in their task list and marks it
微实事; town staff read the grids page at 1280×800. Each page is screenshot into
var/screenshots/issue11/ and must not run off the screen sideways."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings

from liaison.models import StaffScope
from petitions import services
from petitions.models import Petition
from tests.base import (
    make_representative,
    make_staff,
    make_station,
    make_town,
    make_user,
    make_village,
)
from tests.browser.steps import sign_in
from tests.liaison.grid_helpers import make_deputy, make_grid

pytestmark = [pytest.mark.browser]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "issue11"


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"grids-{name}.png"), full_page=True)
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def grid_world(transactional_db):
    town = make_town("乾佑街道")
    station = make_station(
        town,
        name="乾佑街道仁和社区人大代表联络站",
        address="柞水县乾佑街道仁和社区党群服务中心",
        opening_hours="每周一、三、五 9:00–12:00；每月15日为代表接待日",
        contact_phone="0914-4320002",
    )
    rep_user = make_user("grid_rep_browser")
    rep = make_representative(name="刘春和", station=station, user=rep_user)
    make_representative(name="陈秋实", station=station)
    village = make_village(town, name="仁和社区")
    grid = make_grid(
        town,
        name="仁和社区网格",
        station=station,
        villages=[village, make_village(town, name="园林社区")],
        representatives=[m.representative for m in station.memberships.all()],
        deputies=[make_deputy(town, name="何晓雯", occupation="仁和社区居委会委员")],
        description="人大代表+联络站+网格：代表和议政代表下沉网格，解决群众身边的微实事。",
    )
    petition, _token, _created = services.petition_receive(
        channel=Petition.Channel.PHONE,
        text="仁和社区3号楼前的路灯坏了半个月，晚上老人出门不方便。",
        village=village,
        consent=False,
        submit_key=uuid.uuid4(),
    )
    town_staff = make_staff("grid_town_browser", level=StaffScope.Level.TOWN, town=town)
    return {
        "station": station,
        "grid": grid,
        "rep": rep,
        "rep_user": rep_user,
        "petition": petition,
        "town_staff": town_staff,
    }


def test_a_citizen_goes_from_the_station_page_to_its_grid(live_server, phone_page, grid_world):
    page = phone_page
    page.goto(f"{live_server.url}{grid_world['station'].get_absolute_url()}")
    page.click(f"#grids a[href='{grid_world['grid'].get_absolute_url()}']")
    page.wait_for_load_state()
    assert page.url.endswith(grid_world["grid"].get_absolute_url())
    text = page.inner_text("main")
    assert "仁和社区网格" in text and "刘春和" in text and "何晓雯" in text
    _shoot(page, "grid")


def test_a_grid_representative_marks_a_small_matter_on_a_phone(live_server, phone_page, grid_world):
    page = sign_in(phone_page.context, live_server, grid_world["rep_user"])
    petition = grid_world["petition"]
    page.goto(f"{live_server.url}/me/tasks/")
    row = page.locator(f"a.task-row:has-text('{petition.tracking_no}')").first
    assert row.is_visible()
    _shoot(page, "tasks")
    row.click()
    page.wait_for_load_state()
    box = page.locator("details:has(form[action$='/do/micro_matter/'])")
    box.locator("summary").click()
    box.locator("input[name=is_micro_matter]").check()
    box.locator("button[type=submit]").click()
    page.wait_for_load_state()
    petition.refresh_from_db()
    assert petition.is_micro_matter
    _shoot(page, "work")
    page.close()


def test_town_staff_read_the_grids_page(live_server, browser, grid_world):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    try:
        page = sign_in(context, live_server, grid_world["town_staff"])
        page.goto(f"{live_server.url}/admin/")
        page.click("#grids-module a")
        page.wait_for_load_state()
        assert page.url.endswith("/staff/grids/")
        assert "仁和社区网格" in page.inner_text("#content-main")
        _shoot(page, "staff")
    finally:
        context.close()
