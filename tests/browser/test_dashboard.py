"""Issue #14, part 5: the county dashboard in a browser. County staff on a phone (375×667)
reach it from the administration's index, every chart fits the screen, and a bar leads to
the concerns behind it; the same page at 1280×800. Screenshots go to var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings

from liaison.models import Activity
from tests.base import make_rating, make_world, receive, to_step
from tests.browser.steps import sign_in
from tests.measures.activity_helpers import attend, make_activity, make_reps, raise_concerns

pytestmark = [pytest.mark.browser]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, animations="disabled")


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _county():
    from django.utils import timezone

    world = make_world(clerks=True)
    for step in ("received", "assigned", "supervising", "reported", "closed", "closed"):
        petition, _token = receive(world)
        to_step(world, petition, step)
    make_rating(world.station_a, year=2025, fraction=0.95)
    make_rating(world.station_b, year=2025, fraction=0.72)
    reception = make_activity(
        Activity.Kind.DIRECTOR_RECEPTION, on=timezone.localdate(), station=world.station_a
    )
    attend(reception, make_reps(4))
    raise_concerns(reception, 3, level="town")
    return world


def test_county_staff_read_the_dashboard_on_a_phone(live_server, browser):
    world = _county()
    context = browser.new_context(viewport={"width": 375, "height": 667}, locale="zh-CN")
    page = sign_in(context, live_server, world.county_clerk)
    page.goto(f"{live_server.url}/admin/")
    page.click("#dashboard-module a[href='/staff/dashboard/']")
    page.wait_for_load_state()
    assert "全县工作看板" in page.title()
    for chart in ("months", "overdue", "satisfaction", "stars", "points", "activities"):
        assert page.locator(f"#chart-{chart}").count() == 1
    # Every drawn chart is as wide as its column, no wider than the phone.
    widths = page.eval_on_selector_all(
        "svg.dash-svg", "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert widths and all(0 < w <= 375 for w in widths)
    _fits(page)
    _shot(page, "dashboard-phone")
    # A month's segment of the step "received" leads to those concerns.
    page.locator("#chart-months svg.dash-svg a[href*='step__exact=received']").last.click()
    page.wait_for_load_state()
    assert "/admin/petitions/petition/" in page.url and "received=" in page.url
    # The one received by QR and the three raised at the reception, all this month.
    assert page.locator("#result_list tbody tr").count() == 4
    context.close()


def test_the_dashboard_at_1280(live_server, browser):
    world = _county()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = sign_in(context, live_server, world.county_clerk)
    page.goto(f"{live_server.url}/staff/dashboard/")
    page.wait_for_load_state()
    # Months, quarters, stars, points; the activities' person-times and concerns.
    assert page.locator("svg.dash-svg").count() == 6
    _fits(page)
    _shot(page, "dashboard-desktop")
    context.close()
