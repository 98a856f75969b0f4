"""Issue 9's acceptance for visits: on a phone, a representative records a home visit with
two concerns; both appear in their task list linked to the visit; the visit shows on their
points page."""

import importlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

import points
from petitions.models import Petition, Visit
from tests.base import make_world
from tests.helpers import assert_no_serious_violations

pytestmark = [pytest.mark.browser]
PASSWORD = "pw-for-tests-1"


def ensure_outreach_rule() -> None:
    """The shipped ``outreach_visit`` rule. An earlier browser test's flush (live_server is
    transactional) empties the tables data migrations filled; the migration is found by its
    name, whatever number it has after a merge."""
    folder = Path(points.__file__).parent / "migrations"
    (path,) = folder.glob("*_outreach_visit_rule.py")
    importlib.import_module(f"points.migrations.{path.stem}").forwards(apps, None)


def test_a_representative_records_a_home_visit_with_two_concerns_on_a_phone(
    live_server, phone_page
):
    world = make_world()
    ensure_outreach_rule()
    world.rep_a_user.set_password(PASSWORD)
    world.rep_a_user.save(update_fields=["password"])
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", world.rep_a_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()

    # From the task list to the visit form.
    page.goto(f"{live_server.url}/me/tasks/")
    page.click("a[href='/me/visits/new/']")
    page.wait_for_load_state()
    on = timezone.localdate() - timedelta(days=1)
    page.fill("input[name=date]", on.isoformat())
    page.select_option("select[name=place_kind]", Visit.PlaceKind.HOUSEHOLD)
    page.fill("input[name=place]", "东坪村王家")
    page.fill("input[name=people_count]", "4")
    page.fill("textarea[name=note]", "入户了解老人生活情况。")
    page.fill("textarea[name='concern-0-text']", "村里的饮水管道老化，夏天经常停水。")
    page.select_option("select[name='concern-0-category']", str(world.category.pk))
    page.fill("textarea[name='concern-1-text']", "通村公路有一段塌方，雨天无法通行。")
    page.fill("input[name='concern-1-citizen_phone']", "139 1234 5678")
    page.check("input[name='concern-1-consent']")
    # Nothing of the form runs off a 375-pixel screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("main form button[type=submit]")
    page.wait_for_load_state()

    visit = Visit.objects.get()
    concerns = list(Petition.objects.filter(visit=visit).order_by("pk"))
    assert len(concerns) == 2
    assert {p.channel for p in concerns} == {Petition.Channel.OUTREACH}
    assert page.url.endswith(f"/me/visits/{visit.pk}/")
    for petition in concerns:
        assert petition.tracking_no in page.content()
    assert_no_serious_violations(page)

    # Both in the task list, each marked as raised on the visit.
    page.goto(f"{live_server.url}/me/tasks/")
    mark = f"来自{on:%Y-%m-%d}的走访"
    for petition in concerns:
        row = page.locator(f"a.task-row:has-text('{petition.tracking_no}')").first
        assert mark in row.inner_text()
    assert page.locator(f".visit-mark:has-text('{mark}')").count() == 2

    # The visit on the points page.
    page.goto(f"{live_server.url}/me/points/")
    text = page.content()
    assert "东坪村王家" in text
    assert "主动出诊" in text
