"""WCAG 2.1 AA on every page people use (issue 13, item 3): axe-core scans each citizen page
on a 375×667 phone and each work page of a representative, a handling unit and congress staff
at 1280×800, and finds no serious or critical violation (contrast, labels, names …).

Each test scans every page of its audience and fails once, listing all it found, so that
one run shows everything that is left to fix."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from liaison import services as liaison_services
from petitions.models import Petition
from points import services as points_services
from points.models import PointEntry
from tests.base import make_world, receive, to_step
from tests.browser.steps import sign_in
from tests.helpers import admin_url, axe_serious_violations
from tests.points.year_end_helpers import ensure_default_table

pytestmark = [pytest.mark.browser]


@pytest.fixture
def phone(browser):
    """A 375×667 phone, as a citizen in WeChat sees the portal."""
    context = browser.new_context(
        viewport={"width": 375, "height": 667},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    yield context
    context.close()


class _Scans:
    """What axe-core found, page by page."""

    def __init__(self, page):
        self.page = page
        self.found: dict[str, list[str]] = {}

    def goto(self, url, name=None, status=200):
        response = self.page.goto(url)
        assert response.status == status, f"{url}: {response.status}"
        self.scan(name or url)

    def scan(self, name):
        self.found[name] = axe_serious_violations(self.page)

    def assert_clean(self):
        assert self.found, "nothing was scanned"
        report = [
            f"{name}:\n  " + "\n  ".join(lines) for name, lines in self.found.items() if lines
        ]
        assert not report, "axe-core violations, serious or critical:\n" + "\n".join(report)


def _concerns_at_every_step(world) -> dict[str, Petition]:
    """A concern of representative A at each step a list shows with its own badge colour."""
    concerns = {}
    for step in ("received", "collected", "assigned", "supervising", "reported", "closed"):
        petition, _ = receive(world)
        concerns[step] = to_step(world, petition, step)
    petition, _ = receive(world)
    concerns["rejected"] = to_step(world, petition, "rejected")
    return concerns


def test_every_citizen_page_on_a_phone_has_no_serious_violation(live_server, phone):
    world = make_world()
    world.station_a.address = "甲镇政府一楼"
    world.station_a.opening_hours = "每周一 9:00–12:00"
    world.station_a.save(update_fields=["address", "opening_hours"])
    reported, token = receive(world, citizen_name="王某", citizen_phone="13800001111")
    to_step(world, reported, "reported")
    scans = _Scans(phone)
    base = live_server.url

    with override_settings(SITE_URL=base):
        scans.goto(f"{base}/", "home")
        scans.goto(f"{base}{reverse('liaison:station_list')}", "station list")
        scans.goto(
            f"{base}{reverse('liaison:station_detail', args=[world.station_a.slug])}",
            "station page",
        )
        scans.goto(
            f"{base}{reverse('liaison:station_qr_page', args=[world.station_a.qr_token])}",
            "station QR page",
        )
        scans.goto(world.rep_a.qr_url, "representative QR page")

        form = (
            f"{base}{reverse('petitions:concern_to_representative', args=[world.rep_a.qr_token])}"
        )
        scans.goto(form, "concern form")
        # Sent empty, past the browser's own checks, to show the server's error messages.
        phone.evaluate("document.querySelector('form.cform').noValidate = true")
        phone.click("form.cform button[type=submit]")
        phone.wait_for_load_state()
        assert phone.locator(".cfield-message").count() >= 1
        scans.scan("concern form, with errors")

        phone.goto(form)
        phone.fill("textarea[name=text]", "村口道路破损严重，雨天积水难以通行，请尽快修复。")
        if phone.locator("select[name=category]").count():
            phone.select_option("select[name=category]", str(world.category.pk))
        if phone.locator("input[name=consent]").count():
            phone.check("input[name=consent]")
        phone.click("form.cform button[type=submit]")
        phone.wait_for_load_state()
        assert phone.locator(".tracking-no").count() == 1
        scans.scan("submitted page")

        scans.goto(f"{base}{reverse('petitions:track', args=[token])}", "tracking, result")
        assert phone.locator(".survey-box").count() == 1
        closed, closed_token = receive(world)
        to_step(world, closed, "closed")
        scans.goto(f"{base}{reverse('petitions:track', args=[closed_token])}", "tracking, closed")
        rejected, rejected_token = receive(world)
        to_step(world, rejected, "rejected")
        scans.goto(
            f"{base}{reverse('petitions:track', args=[rejected_token])}", "tracking, rejected"
        )
        scans.goto(f"{base}{reverse('login')}", "sign-in")
        scans.goto(f"{base}/no-such-page/", "not found", status=404)
        old_token = world.rep_b.qr_token
        liaison_services.representative_rotate_qr_token(representative=world.rep_b)
        scans.goto(
            f"{base}{reverse('liaison:representative_detail', args=[old_token])}",
            "a replaced QR code",
            status=410,
        )

    scans.assert_clean()


def test_a_representatives_pages_have_no_serious_violation(live_server, desktop):
    world = make_world()
    concerns = _concerns_at_every_step(world)
    ensure_default_table()
    points_services.point_entry_create(
        representative=world.rep_a,
        rule=points_services.rule_for("deed", concerns["closed"].created_at.year),
        on=concerns["closed"].created_at.date(),
        description="调解邻里纠纷一起",
    )
    assert PointEntry.objects.exists()
    page = sign_in(desktop, live_server, world.rep_a_user)
    scans = _Scans(page)
    base = live_server.url

    scans.goto(f"{base}{reverse('petitions:my_tasks')}", "my tasks")
    scans.goto(
        f"{base}{reverse('petitions:work_detail', args=[concerns['reported'].pk])}",
        "a concern's work page",
    )
    scans.goto(f"{base}{reverse('points:my_points')}", "my points")
    scans.goto(f"{base}{reverse('petitions:notices')}", "notices")
    scans.goto(f"{base}{reverse('petitions:reception_new')}", "reception form")
    scans.goto(f"{base}{reverse('petitions:snapshot_new')}", "snapshot form")
    scans.goto(f"{base}{reverse('liaison:my_page')}", "my page")

    scans.assert_clean()


def test_a_units_pages_have_no_serious_violation(live_server, desktop):
    world = make_world()
    concerns = _concerns_at_every_step(world)
    page = sign_in(desktop, live_server, world.unit_user)
    scans = _Scans(page)
    base = live_server.url

    scans.goto(f"{base}{reverse('petitions:unit_list')}", "unit list")
    scans.goto(
        f"{base}{reverse('petitions:work_detail', args=[concerns['supervising'].pk])}",
        "a concern's work page",
    )
    scans.goto(f"{base}{reverse('petitions:notices')}", "notices")

    scans.assert_clean()


def test_staff_work_pages_have_no_serious_violation(live_server, desktop):
    world = make_world(clerks=True)
    concerns = _concerns_at_every_step(world)
    page = sign_in(desktop, live_server, world.county_clerk)
    scans = _Scans(page)
    base = live_server.url

    scans.goto(f"{base}{reverse('petitions:work_home')}", "work list (the admin's)")
    scans.goto(
        f"{base}{reverse('petitions:work_detail', args=[concerns['received'].pk])}",
        "a concern's work page",
    )
    scans.goto(f"{base}{reverse('petitions:staff_statistics')}", "statistics")
    scans.goto(f"{base}{reverse('admin:index')}", "admin home")
    scans.goto(f"{base}{admin_url(Petition, 'changelist')}", "admin concern list")
    scans.goto(
        f"{base}{admin_url(Petition, 'change', concerns['supervising'].pk)}",
        "admin concern page",
    )
    scans.goto(f"{base}{reverse('liaison:qr_cards')}", "QR cards")
    scans.goto(f"{base}{reverse('points:staff_report_runs')}", "year-end reports")
    # Measured, not typed (issue #14).
    scans.goto(f"{base}{reverse('measures:dashboard')}", "county dashboard")
    scans.goto(f"{base}{reverse('measures:rating_list')}", "star ratings")
    scans.goto(
        f"{base}{reverse('measures:rating_detail', args=[timezone.localdate().year, world.station_a.pk])}",
        "a station's star rating",
    )
    scans.goto(f"{base}{reverse('measures:activity_results_period')}", "activities' results")
    scans.goto(f"{base}{reverse('liaison:staff_awards')}", "awards by stars")
    scans.goto(
        f"{base}{reverse('liaison:staff_award_year', args=[timezone.localdate().year])}",
        "a year's awards",
    )

    scans.assert_clean()
