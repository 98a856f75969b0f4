"""The whole loop as a citizen lives it on a 375×667 phone: scan a representative's code,
post a concern with a photo that carries GPS, keep the tracking link, watch each step,
rate the result 不满意, see it reopened, rate the second result 满意, see it closed.

Staff and the handling unit act through the workflow functions: their pages have their own
tests; this one is about what the citizen's browser does."""

from pathlib import Path

import pytest
from django.test import override_settings
from PIL import Image

from petitions import workflow
from petitions.models import Category, Petition, PetitionPhoto, Step
from tests.base import make_county_staff, make_representative, make_station, make_town, make_unit
from tests.helpers import assert_image_loads, gps_jpeg, in_site_language, tr

pytestmark = [pytest.mark.browser]


def _step_shown(page) -> str:
    return page.locator("h1 + .step-badge").inner_text().strip()


def test_a_citizen_follows_a_concern_from_the_qr_code_to_closed(live_server, phone_page):
    town = make_town("下梁镇")
    station = make_station(town=town, name="石镇社区人大代表联络站")
    rep = make_representative(name="柳春和", station=station)
    category, _ = Category.objects.get_or_create(name="道路交通")
    staff = make_county_staff()
    unit, member = make_unit()
    page = phone_page

    with override_settings(SITE_URL=live_server.url):
        page.goto(rep.qr_url)
        page.click(f"a[href$='{rep.qr_token}/concern/']")
        page.select_option("select[name=category]", str(category.pk))
        page.fill("textarea[name=text]", "石镇社区门口道路破损，雨天积水很深，出行不便。")
        page.set_input_files(
            "input[name=photo1]",
            files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": gps_jpeg()}],
        )
        page.check("input[name=consent]")
        page.click("button[type=submit]")

        # The result page: a tracking number and the link to keep.
        link = page.locator(".tracking-link a").get_attribute("href")
        assert link.startswith(f"{live_server.url}/t/")
        assert_image_loads(page, "img.qr-img")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        petition = Petition.objects.get()
        assert petition.tracking_no in page.content()

        page.goto(link)
        assert _step_shown(page) == in_site_language(Step.RECEIVED.label)
        assert_image_loads(page, ".photo-row img")

        workflow.petition_collect(
            petition=petition, actor=staff, category=category, level="county", town=town
        )
        page.reload()
        assert _step_shown(page) == in_site_language(Step.COLLECTED.label)
        workflow.petition_assign(petition=petition, actor=staff, unit=unit)
        workflow.petition_accept(petition=petition, actor=member)
        page.reload()
        assert _step_shown(page) == in_site_language(Step.SUPERVISING.label)
        workflow.petition_report(
            petition=petition, actor=member, result="已派人勘察，先行填补坑洼。", outcome="solved"
        )
        page.reload()
        assert _step_shown(page) == in_site_language(Step.REPORTED.label)
        assert "已派人勘察，先行填补坑洼。" in page.content()

        # 不满意: back to supervising.
        page.check("input[name=rating][value=unsatisfied]")
        page.fill("textarea[name=comment]", "积水还在")
        page.click(".survey-box button[type=submit]")
        assert tr("Thank you: your rating has been recorded.") in page.content()
        assert _step_shown(page) == in_site_language(Step.SUPERVISING.label)
        petition.refresh_from_db()
        assert petition.reopen_count == 1

        workflow.petition_report(
            petition=petition,
            actor=member,
            result="道路已全面重铺，排水沟已疏通。",
            outcome="solved",
        )
        page.reload()
        page.check("input[name=rating][value=satisfied]")
        page.click(".survey-box button[type=submit]")
        assert _step_shown(page) == in_site_language(Step.CLOSED.label)
        assert page.locator(".six-step-done").count() == 6
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # Never the citizen's name or phone; here there were none, and no staff name either.
        assert staff.username not in page.content()

    stored = Image.open(Path(PetitionPhoto.objects.get().image.path))
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
