"""In a browser: the unit asks for more time on a phone (375×667), county staff approve
fewer days; a red card is urged, and the citizen's page says "督办中"."""

from datetime import timedelta

import pytest
from django.urls import reverse

from petitions import services
from petitions.models import Petition
from tests.base import make_world, receive, to_step
from tests.browser.steps import do, pass_second_factor
from tests.helpers import tr

pytestmark = [pytest.mark.browser]
PASSWORD = "pw-for-tests-1"


def _sign_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    # County staff then give their second factor (issue #10).
    pass_second_factor(page, user)


def test_a_unit_asks_for_more_time_on_a_phone_and_county_staff_grant_fewer_days(
    live_server, phone_page
):
    world = make_world()
    for user in (world.county, world.unit_user):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    petition, token = receive(world)
    to_step(world, petition, "supervising")
    before = Petition.objects.get(pk=petition.pk).deadline
    work_url = f"{live_server.url}/work/petitions/{petition.pk}/"

    _sign_in(phone_page, live_server, world.unit_user)
    phone_page.goto(work_url)
    do(
        phone_page,
        "request_extension",
        {"input[name=days]": "20", "textarea[name=reason]": "桥梁检测需委托有资质的机构"},
    )
    assert Petition.objects.get(pk=petition.pk).extension_status == "requested"
    # No horizontal scrolling on the phone.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375

    _sign_in(phone_page, live_server, world.county)
    phone_page.goto(work_url)
    assert "桥梁检测需委托有资质的机构" in phone_page.content()
    do(phone_page, "approve_extension", {"input[name=days]": "10"})
    petition.refresh_from_db()
    assert (petition.extension_status, petition.extension_days) == ("approved", 10)
    assert petition.deadline >= before + timedelta(days=10)

    # Past the new deadline: red, urged; the citizen reads "督办中".
    services.petitions_mark_warnings(today=petition.deadline + timedelta(days=1))
    phone_page.goto(work_url)
    do(phone_page, "urge", {"textarea[name=note]": "请立即办理"})
    phone_page.context.clear_cookies()
    phone_page.goto(live_server.url + reverse("petitions:track", args=[token]))
    assert tr("Under escalated supervision") in phone_page.content()
    assert "请立即办理" not in phone_page.content()
