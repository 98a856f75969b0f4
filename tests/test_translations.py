"""The Chinese catalogue is complete and the pages are served in Chinese."""

import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from tests.base import make_world

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_it_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(PO))
    assert len(catalogue) > 50
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert "fuzzy" not in catalogue.metadata_as_entry().flags


def test_it_compiles_cleanly():
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_it_defaults_to_simplified_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.django_db
def test_it_serves_pages_in_chinese(client):
    response = client.get("/")
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    with translation.override("zh-hans"):
        assert translation.gettext("Liaison stations") != "Liaison stations"


@pytest.mark.django_db
def test_it_serves_chinese_even_to_a_browser_that_asks_for_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "找代表" in html


@pytest.mark.django_db
def test_the_admins_hidden_headings_are_in_chinese_too(client):
    """Django's own catalogue leaves the app list's hidden headings (read out by screen
    readers on every page of the administration) in English: ours translates them."""
    client.force_login(make_world().county)
    html = client.get("/admin/").content.decode()
    for english in ("Model name", "Add link", "Change or view list link"):
        assert english not in html
    assert "修改或查看列表链接" in html
