"""Issue #14, 五成效 from the records, in a browser at 1280×800: town staff open the ratings
from the administration's index, pick last year, open their station, see the measured
criteria with their formulas, type the hand scores and save; the stars follow. Screenshots
go to var/screenshots/ratings*.png."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from liaison.models import StationRating
from tests.base import make_world
from tests.browser.steps import sign_in
from tests.helpers import assert_no_serious_violations
from tests.measures.helpers import YEAR, hand_criteria, seed_year

pytestmark = [pytest.mark.browser]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, animations="disabled")


def test_town_staff_rate_their_station_at_1280(live_server, browser):
    world = make_world()
    seed_year(world)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = sign_in(context, live_server, world.town_staff_a)
    page.goto(f"{live_server.url}/admin/")
    page.click("#ratings-module a[href='/staff/ratings/']")
    page.wait_for_load_state()
    page.fill("input[name=year]", str(YEAR))
    page.click("form.ratings-filter button[type=submit]")
    page.wait_for_load_state()
    assert world.station_b.name not in page.inner_text("#ratings")
    page.click(f"a[href='/staff/ratings/{YEAR}/{world.station_a.pk}/']")
    page.wait_for_load_state()
    measured = page.inner_text("#measured")
    assert "调解成功率" in measured and "2.7 / 4" in measured and "0.7 / 4" in measured
    for criterion in hand_criteria():
        page.fill(f"input[name=c{criterion.pk}]", "3")
    page.fill("textarea[name=notes]", "按五个五标准现场检查。")
    _shot(page, "ratings-form")
    page.click("form.ratings-form button[type=submit]")
    page.wait_for_load_state()
    assert "评分已保存" in page.inner_text("main")
    assert "2 ★" in page.inner_text("#summary")
    assert "73.1 / 108.0" in page.inner_text("#summary")
    assert_no_serious_violations(page)
    _shot(page, "ratings")
    rating = StationRating.objects.get(station=world.station_a, year=YEAR)
    assert rating.total == Decimal("73.1") and rating.rated_by == world.town_staff_a
    context.close()
