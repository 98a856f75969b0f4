"""The five links in a browser (issue #11, item 4): county staff read the quarter's coverage
at 1280×800; a representative logs a contact with the people on a 375×667 phone and it
counts in their points; screenshots of both."""

import importlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone

import points
from liaison import links
from liaison.models import ContactLog
from points.models import PointEntry
from tests.browser.steps import PASSWORD, sign_in
from tests.helpers import assert_no_serious_violations
from tests.liaison.links_helpers import make_links

pytestmark = [pytest.mark.browser]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "issue11"


def ensure_contact_rule() -> None:
    """The shipped ``contact`` rule: an earlier browser test's flush (live_server is
    transactional) empties what data migrations filled; found by the migration's name."""
    folder = Path(points.__file__).parent / "migrations"
    (path,) = folder.glob("*_station_work_rules.py")
    importlib.import_module(f"points.migrations.{path.stem}").forwards(apps, None)


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"links-{name}.png"), full_page=True)


def _no_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_county_staff_read_the_coverage_of_the_quarter(live_server, browser):
    fx = make_links(on=date(2026, 1, 5))
    year, quarter = links.current_quarter()
    first, _last = links.quarter_bounds(year, quarter)
    links.contact_log(
        link=fx.town_link, date=first, way="visit", content="走访镇人大", actor=fx.world.county
    )
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = sign_in(context, live_server, fx.world.county)
    page.goto(f"{live_server.url}/admin/")
    page.click("#links-module a[href$='/staff/links/coverage/']")
    page.wait_for_load_state()
    text = page.inner_text("#content-main")
    assert "乙镇" in text and "王委员" in text
    assert "本季度未联系" in text
    _no_overflow(page)
    _shot(page, "coverage")
    page.goto(f"{live_server.url}/staff/links/")
    assert "郑委员" in page.inner_text("#links-list")
    _no_overflow(page)
    _shot(page, "staff-list")
    context.close()


def test_a_representative_logs_a_contact_with_the_people_on_a_phone(live_server, phone_page):
    fx = make_links()
    ensure_contact_rule()
    user = fx.world.rep_a_user
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/me/tasks/")
    page.click("a[href='/me/contacts/']")
    page.wait_for_load_state()
    on = timezone.localdate() - timedelta(days=1)
    page.fill("input[name=date]", on.isoformat())
    page.select_option("select[name=way]", "symposium")
    page.fill("textarea[name=content]", "在仁和社区召开院坝会，听取群众对停车难的意见。")
    page.fill("textarea[name=follow_up]", "向街道反映，下月回访。")
    _no_overflow(page)
    page.click("#log-contact button[type=submit]")
    page.wait_for_load_state()

    contact = ContactLog.objects.get()
    assert contact.link.from_representative == fx.world.rep_a
    assert PointEntry.objects.filter(
        source=PointEntry.Source.CONTACT, source_id=contact.pk
    ).exists()
    assert "院坝会" in page.inner_text("#my-contacts")
    assert "联系已登记" in page.content()
    _no_overflow(page)
    assert_no_serious_violations(page)
    _shot(page, "my-contacts")

    # Their public page names the standing committee member who keeps in touch with them.
    page.goto(f"{live_server.url}{fx.world.rep_a.get_absolute_url()}")
    assert "郑委员" in page.inner_text("#rep-links")
    _no_overflow(page)
    _shot(page, "representative")


def test_a_leader_logs_a_contact_on_their_own_link_on_a_phone(live_server, phone_page):
    fx = make_links()
    user = fx.director_user
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/me/links/")
    assert "甲镇" in page.inner_text("#my-links")
    page.select_option("select[name=link]", str(fx.member_link.pk))
    page.fill("input[name=date]", (timezone.localdate() - timedelta(days=2)).isoformat())
    page.select_option("select[name=way]", "phone")
    page.fill("textarea[name=content]", "电话了解委员联系代表情况。")
    _no_overflow(page)
    page.click("#log-contact button[type=submit]")
    page.wait_for_load_state()
    assert ContactLog.objects.get().link == fx.member_link
    assert "电话了解委员联系代表情况" in page.content()
    _no_overflow(page)
    _shot(page, "my-links")
