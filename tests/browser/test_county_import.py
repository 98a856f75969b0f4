"""County staff load a table from a spreadsheet in a browser: the import page, its empty
template, the dry run's preview and the confirmation, with no error in the console."""

import pytest

from liaison.imports import TownResource
from liaison.models import Town
from tests.base import make_user
from tests.browser.steps import sign_in
from tests.helpers import admin_url
from tests.liaison.import_helpers import sheet

pytestmark = [pytest.mark.browser]


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context
    context.close()


def test_county_staff_preview_and_confirm_an_import_in_the_browser(live_server, desktop, tmp_path):
    staff = make_user(superuser=True)
    upload = tmp_path / "towns.xlsx"
    upload.write_bytes(
        sheet(TownResource, {"name": "上梁镇", "kind": "镇"}, {"name": "下梁镇", "kind": "镇"})
    )
    page = sign_in(desktop, live_server, staff)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(live_server.url + admin_url("liaison.Town", "changelist"))
    page.click(f"a[href='{admin_url('liaison.Town', 'import')}']")
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.click(f"a[href='{admin_url('liaison.Town', 'import_template')}']")
    assert download.value.suggested_filename.endswith(".xlsx")

    page.set_input_files("input[name=import_file]", str(upload))
    page.select_option("select[name=format]", label="xlsx")
    page.click("form[enctype] input[type=submit]")
    page.wait_for_load_state()
    assert page.locator("table.import-preview tr.new").count() == 2
    assert Town.objects.count() == 0

    page.click("input[name=confirm]")
    page.wait_for_load_state()
    assert sorted(Town.objects.values_list("name", flat=True)) == ["上梁镇", "下梁镇"]
    assert "2" in page.locator("ul.messagelist").inner_text()
    assert problems == []
