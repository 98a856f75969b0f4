"""Issue #11 item 6's acceptance for study (线上学): on a phone a representative opens a law
from their study list and marks it read, and the read shows on their points record; at
1280×800 county staff publish a material from the administration's index."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

import points
from study import services
from study.models import Material, MaterialRead
from tests.base import make_world
from tests.browser.steps import sign_in
from tests.helpers import assert_no_serious_violations

pytestmark = [pytest.mark.browser]
PASSWORD = "pw-for-tests-1"
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "issue11"
LAW = "中华人民共和国消防法"


def ensure_study_rule() -> None:
    """The shipped ``study`` rule: an earlier browser test's flush empties the tables data
    migrations filled; the migration is found by its name, whatever its number after a merge."""
    folder = Path(points.__file__).parent / "migrations"
    (path,) = folder.glob("*_station_work_rules.py")
    importlib.import_module(f"points.migrations.{path.stem}").forwards(apps, None)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"study-{name}.png"), full_page=True)
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_representative_opens_a_law_on_a_phone_and_marks_it_read(live_server, phone_page):
    world = make_world()
    ensure_study_rule()
    services.material_create(
        actor=world.county,
        title=LAW,
        kind=Material.Kind.LAW,
        audience=Material.Audience.ALL,
        url="https://flk.npc.gov.cn/",
        summary="县人大常委会开展贯彻落实情况执法检查的法律。",
        publish=True,
    )
    services.material_create(
        actor=world.county,
        title="人大讲堂第二期：代表如何提出高质量建议",
        kind=Material.Kind.LECTURE,
        audience=Material.Audience.ALL,
        summary="课件与要点。",
        speaker="县人大常委会代表工作委员会",
        publish=True,
    )
    world.rep_a_user.set_password(PASSWORD)
    world.rep_a_user.save(update_fields=["password"])
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", world.rep_a_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/me/tasks/")
    page.click("a[href='/me/study/']")
    page.wait_for_load_state()
    assert page.locator(".study-item").count() == 2
    shot(page, "my-study")
    assert_no_serious_violations(page)

    page.click(f".study-item:has-text('{LAW}')")
    page.wait_for_load_state()
    link = page.locator("a[href='https://flk.npc.gov.cn/']")
    assert link.get_attribute("target") == "_blank"
    shot(page, "material")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#study-read").count() == 1
    assert MaterialRead.objects.filter(representative=world.rep_a).count() == 1
    assert_no_serious_violations(page)

    page.goto(f"{live_server.url}/me/study/")
    assert page.locator(f".study-item.is-read:has-text('{LAW}')").count() == 1

    page.goto(f"{live_server.url}/me/points/")
    page.wait_for_load_state()
    assert f"《{LAW}》" in page.inner_text("main")
    shot(page, "my-points")


def test_county_staff_publish_a_material_at_1280(live_server, browser):
    world = make_world()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = sign_in(context, live_server, world.county)
    page.goto(f"{live_server.url}/admin/")
    page.click("#study-module a[href='/staff/study/new/']")
    page.wait_for_load_state()
    page.fill("input[name=title]", "中华人民共和国家庭教育促进法")
    page.select_option("select[name=kind]", Material.Kind.LAW)
    page.fill("input[name=url]", "https://flk.npc.gov.cn/")
    page.select_option("select[name=audience]", Material.Audience.ALL)
    page.check("input[name=publish]")
    shot(page, "staff-new")
    page.click("form.study-form input[type=submit]")
    page.wait_for_load_state()
    material = Material.objects.get()
    assert material.is_published
    assert page.url.endswith(f"/staff/study/{material.pk}/")
    shot(page, "staff-material")
    page.goto(f"{live_server.url}/staff/study/")
    assert "中华人民共和国家庭教育促进法" in page.inner_text("#study-materials")
    shot(page, "staff-list")
    context.close()
