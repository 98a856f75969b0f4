"""The collect form's accused choices in a browser (issue 9, item 4): shown only for an
accusation, each filtered by what is typed above it, and recorded when the form is sent."""

import pytest

from petitions.models import Petition, Step
from tests.base import make_representative, make_station, make_world, receive
from tests.browser.steps import pass_second_factor

pytestmark = [pytest.mark.browser]
PASSWORD = "pw-for-tests-1"


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    yield context
    context.close()


def _visible_options(select) -> list[str]:
    return select.evaluate("s => Array.from(s.options).map(o => o.value).filter(v => v)")


def test_county_staff_name_the_accused_of_an_accusation_by_typing_part_of_a_name(
    live_server, desktop
):
    world = make_world()
    world.county.set_password(PASSWORD)
    world.county.save(update_fields=["password"])
    for name in ("王大山", "王小川", "李青松"):
        make_representative(name=name, station=make_station(town=world.town_b))
    petition, _ = receive(world)

    page = desktop.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", world.county.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    # County staff set up and give their second factor (issue #10).
    pass_second_factor(page, world.county)
    page.goto(f"{live_server.url}/work/petitions/{petition.pk}/")
    box = page.locator("details:has(form[action$='/do/collect/'])")
    box.locator("summary").click()
    unit = box.locator("select[name=accused_unit]")
    rep = box.locator("select[name=accused_representative]")

    # Not an accusation (nothing chosen yet): the choices are hidden and not sent.
    assert not unit.is_visible() and not rep.is_visible()
    box.locator("select[name=category]").select_option(str(world.accusation.pk))
    assert unit.is_visible() and rep.is_visible()

    # Typing part of a name keeps the matching representatives; a town's name its group.
    rep_filter = box.locator("#div_id_collect_accused_representative input[type=search]")
    rep_filter.fill("王")
    assert [
        rep.evaluate(f"s => s.querySelector('option[value=\"{v}\"]').text")
        for v in _visible_options(rep)
    ] == [
        "王大山",
        "王小川",
    ]
    rep.select_option(label="王小川")
    rep_filter.fill(world.town_a.name)
    # The chosen one stays whatever is typed; town A's group holds its representative.
    assert set(_visible_options(rep)) == {
        str(world.rep_a.pk),
        rep.evaluate("s => s.value"),
    }
    rep_filter.fill("")
    unit.select_option(str(world.other_unit.pk))

    # Back to another kind: hidden again, and disabled, so nothing is sent for them ...
    box.locator("select[name=category]").select_option(str(world.category.pk))
    assert not unit.is_visible() and unit.is_disabled()
    # ... and an accusation again sends what was chosen.
    box.locator("select[name=category]").select_option(str(world.accusation.pk))
    box.locator("select[name=level]").select_option("county")
    box.locator("select[name=town]").select_option(str(world.town_a.pk))
    box.locator("button[type=submit]").click()
    page.wait_for_load_state()

    petition.refresh_from_db()
    assert petition.step == Step.COLLECTED
    assert petition.accused_unit == world.other_unit
    assert petition.accused_representative.name == "王小川"
    assert Petition.objects.get(pk=petition.pk).is_accusation
