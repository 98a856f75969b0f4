"""Issue 9's acceptance: county staff enter a phone call's concern at /staff/intake/ on a
375×667 phone, see its number, print its A6 slip (the QR loads), and the concern then runs
the whole loop through the work pages like a QR one."""

import re

import pytest
from django.test import override_settings

from petitions.models import Petition, Step
from tests.base import make_world
from tests.browser.steps import PASSWORD, accept_report_and_rate, do, sign_in
from tests.helpers import assert_image_loads, assert_no_serious_violations, in_site_language

pytestmark = [pytest.mark.browser]


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 667},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    yield context
    context.close()


def _printed_page_sizes(page) -> list[tuple[float, float]]:
    """The sheets the page prints on, in points, as Chromium prints it with the page's own
    @page size (what "print" in the browser does)."""
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def test_county_staff_enter_a_phone_call_print_its_slip_and_it_runs_the_loop(live_server, phone):
    world = make_world()
    for user in (world.county, world.unit_user, world.rep_a_user):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])

    with override_settings(SITE_URL=live_server.url):
        staff = sign_in(phone, live_server, world.county)
        staff.goto(f"{live_server.url}/staff/intake/")
        assert_no_serious_violations(staff)
        staff.select_option("select[name=channel]", "phone")
        staff.fill("textarea[name=text]", "来电反映：甲村到镇上的道路破损，雨天积水难以通行。")
        staff.select_option("select[name=station]", str(world.station_a.pk))
        staff.select_option("select[name=representative]", str(world.rep_a.pk))
        staff.fill("input[name=citizen_name]", "王大妈")
        staff.fill("input[name=citizen_phone]", "13812345678")
        staff.check("input[name=consent]")
        assert staff.evaluate("document.documentElement.scrollWidth") <= 375
        staff.click("form.intake-form button[type=submit]")
        staff.wait_for_load_state()

        petition = Petition.objects.get()
        assert petition.channel == Petition.Channel.PHONE
        assert staff.locator("#tracking-no").inner_text().strip() == petition.tracking_no
        link = staff.locator("#tracking-link").get_attribute("href")
        assert link.startswith(f"{live_server.url}/t/")
        assert staff.evaluate("document.documentElement.scrollWidth") <= 375
        assert_no_serious_violations(staff)

        # The slip opens in its own tab: an A6 page with the tracking link's QR code.
        with phone.expect_page() as opened:
            staff.click("#print-slip")
        slip = opened.value
        slip.wait_for_load_state()
        assert petition.tracking_no in slip.content()
        assert_image_loads(slip, "img.slip-qr")
        assert_no_serious_violations(slip)
        # A6 is 105 × 148 mm: 297.6 × 419.5 points; the slip fits on one sheet.
        sheets = _printed_page_sizes(slip)
        assert len(sheets) == 1
        width, height = sheets[0]
        assert abs(width - 297.6) < 2 and abs(height - 419.5) < 2, sheets
        slip.close()

    # The loop, through the work pages, as for a QR concern.
    work_url = f"{live_server.url}/work/petitions/{petition.pk}/"
    staff.goto(work_url)
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
    do(staff, "assign", {"select[name=unit]": str(world.unit.pk)})
    assert Petition.objects.get(pk=petition.pk).step == Step.ASSIGNED

    _unit, rep = accept_report_and_rate(phone, live_server, world, petition)
    # The citizen's link read out on the phone shows it closed.
    rep.goto(link)
    assert in_site_language(Step.CLOSED.label) in rep.content()
