"""Staff, a handling unit and a representative do their part of the loop in a browser:
sign in, open the concern, and use the buttons the workflow table draws."""

import pytest

from petitions.models import Petition, Step
from tests.base import make_world, receive
from tests.browser.steps import PASSWORD, accept_report_and_rate, do, sign_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context
    context.close()


def test_staff_collect_and_assign_the_unit_reports_and_the_representative_records_the_rating(
    live_server, desktop
):
    world = make_world()
    for user in (world.county, world.unit_user, world.rep_a_user):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    petition, _ = receive(world)
    work_url = f"{live_server.url}/work/petitions/{petition.pk}/"

    staff = sign_in(desktop, live_server, world.county)
    staff.goto(work_url)
    assert petition.tracking_no in staff.content()
    do(
        staff,
        "collect",
        {
            "select[name=category]": str(world.category.pk),
            "select[name=level]": "county",
            "select[name=town]": str(world.town_a.pk),
        },
    )
    assert Petition.objects.get(pk=petition.pk).step == Step.COLLECTED
    do(
        staff,
        "assign",
        {"select[name=unit]": str(world.unit.pk), "textarea[name=note]": "请十日内勘察"},
    )
    assert Petition.objects.get(pk=petition.pk).step == Step.ASSIGNED

    unit, _rep = accept_report_and_rate(desktop, live_server, world, petition)
    # The unit never had a button it may not use.
    unit.goto(work_url)
    assert unit.locator("form[action*='/do/']").count() == 0


def test_a_representative_records_a_reception_in_the_browser(live_server, desktop):
    """Regression: a no-referrer policy made Chromium post with "Origin: null" and the CSRF
    check refused every reception."""
    world = make_world()
    world.rep_a_user.set_password(PASSWORD)
    world.rep_a_user.save(update_fields=["password"])
    page = sign_in(desktop, live_server, world.rep_a_user)
    page.goto(f"{live_server.url}/me/reception/")
    page.select_option("select[name=station]", str(world.station_a.pk))
    page.select_option("select[name=category]", str(world.category.pk))
    page.fill("textarea[name=text]", "村民反映自来水管道老化，经常停水，希望尽快更换。")
    page.fill("input[name=citizen_phone]", "136 0000 1111")
    page.check("input[name=consent]")
    # The last two of the six (feedback, satisfied) are not ticked at intake (issue 9).
    for name in ("smile", "tea", "record", "comfort"):
        page.check(f"input[name={name}]")
    assert page.locator("input[name=feedback], input[name=satisfied]").count() == 0
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    petition = Petition.objects.get()
    assert petition.tracking_no in page.content()
    assert petition.channel == "reception"
    assert petition.citizen_phone == "13600001111"
    assert petition.reception.tea and not petition.reception.satisfied
    assert not petition.reception.is_satisfied  # until the citizen rates the result
