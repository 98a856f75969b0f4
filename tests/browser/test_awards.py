"""Awards by stars (以奖代补, issue #14) in a browser: county staff at 1280×800 reach the
awards from the administration's index, set the year's amounts (a negative one refused first),
confirm the lock, and see the form gone. Screenshots: var/screenshots/awards-*.png."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from liaison.models import AwardLine, AwardYear
from tests.base import make_station, make_town, make_world
from tests.browser.steps import sign_in
from tests.liaison.award_helpers import rate, set_amounts

pytestmark = [pytest.mark.browser]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, animations="disabled")


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_county_staff_set_the_amounts_and_lock_the_year(live_server, browser):
    world = make_world()
    qianyou, hongyansi = make_town(name="乾佑街道"), make_town(name="红岩寺镇")
    for town, name, stars in [
        (qianyou, "乾佑街道中心联络站", 5),
        (qianyou, "马房湾社区联络站", 4),
        (qianyou, "石镇社区联络点", 3),
        (hongyansi, "红岩寺镇中心联络站", 4),
        (hongyansi, "东沟村联络点", 2),
    ]:
        rate(make_station(town=town, name=name), stars, year=2025)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = sign_in(context, live_server, world.county)
    page.goto(f"{live_server.url}/admin/")
    page.click("#awards-module a")
    page.wait_for_load_state()
    page.click("#award-years a:text('2025')")
    page.wait_for_load_state()

    # A negative amount comes back in Chinese; nothing is saved.
    page.fill("input[name=stars_5]", "-20000")
    page.click("#award-amounts input[type=submit]")
    page.wait_for_load_state()
    assert "金额不能为负数" in page.inner_text("#award-amounts")
    assert not AwardYear.objects.filter(levels__isnull=False).exists()

    for stars, amount in {5: "20000", 4: "15000", 3: "10000", 2: "5000", 1: "2000"}.items():
        page.fill(f"input[name=stars_{stars}]", amount)
    page.click("#award-amounts input[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#award-total") == "65000.00"
    _fits(page)
    _shot(page, "awards-year-open")

    page.click("a.award-lock-link")
    page.wait_for_load_state()
    assert "65000.00" in page.inner_text("#lock-question")
    _shot(page, "awards-lock-confirm")
    page.click("#lock-form input[type=submit]")
    page.wait_for_load_state()
    assert "已锁定" in page.inner_text("#award-state")
    assert page.locator("#award-amounts").count() == 0
    assert AwardLine.objects.count() == 5
    assert sum(line.amount for line in AwardLine.objects.all()) == Decimal(65000)
    _fits(page)
    _shot(page, "awards-year-locked")
    context.close()


def test_a_year_with_its_history_fits_a_phone(live_server, browser):
    """At 375×667 the year's page, its history of amounts (dates, names and amounts kept on
    one line) included, scrolls inside its box: the page itself never scrolls sideways."""
    world = make_world()
    town = make_town(name="乾佑街道")
    for name, stars in [("乾佑街道中心联络站", 5), ("石镇社区联络点", 1)]:
        rate(make_station(town=town, name=name), stars, year=2025)
    set_amounts(year=2025, actor=world.county)
    set_amounts(year=2025, actor=world.county, overrides={5: Decimal("31000.50")})
    context = browser.new_context(viewport={"width": 375, "height": 667}, locale="zh-CN")
    page = sign_in(context, live_server, world.county)
    page.goto(f"{live_server.url}/staff/awards/2025/")
    assert page.locator("#award-events tbody tr").count() == 2
    _fits(page)
    _shot(page, "awards-year-phone")
    context.close()
