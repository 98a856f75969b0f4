"""The year-end PDFs at speed (issue #14, Build 6): one renderer per process, the CJK font
cut once to GB 2312, a character outside it still drawn and still read back, and the
renderer's font copy deleted when the process lets it go.

The build itself, with its PDFs read back: test_reports.py.
"""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from liaison.models import Representative
from points import services
from points.models import AnnualReport, ReportRun
from points.reports import files, pdf_font, totals

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1


def render(name: str) -> bytes:
    rules, _codes = services.rule_table(YEAR)
    rep = Representative(pk=1, name=name, level=Representative.Level.COUNTY, term="第十九届")
    run = ReportRun(pk=1, year=YEAR, total=1)
    report = AnnualReport(
        pk=1,
        run=run,
        representative=rep,
        year=YEAR,
        by_category={"meetings": "15.0"},
        total=15,
        grade="不合格",
        flags=[totals.FLAG_NO_VOTER_CONTACT],
        rank=1,
        rank_in_level=1,
    )
    lines = totals.report_lines({"session": 1}, rules)
    return files.report_pdf_render(
        report=report,
        run=run,
        lines=lines,
        caps=services.category_caps_for_year(YEAR),
        level_size=1,
    )


def text_and_fonts(pdf: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return "".join(page.extract_text() for page in reader.pages), fonts


def test_the_common_characters_are_gb_2312_with_ascii_and_punctuation():
    chars = pdf_font.characters()
    assert len(chars) > 7_445  # GB 2312's characters, and the ranges besides
    for text in ("柞水县人民代表大会常务委员会", "王春和", "第15名，共16人", "—·：（）", "A-z 0-9"):
        assert all(ord(ch) in chars for ch in text), text
    assert ord("堃") not in chars  # in GBK, not in GB 2312


def test_one_renderer_serves_every_report_of_a_process():
    first = files.pdf_renderer()
    assert files.pdf_renderer() is first
    assert render("王春和").startswith(b"%PDF")
    assert files.pdf_renderer() is first


@pytest.mark.skipif(pdf_font.common_font() is None, reason="HarfBuzz's subsetter or the font")
def test_a_report_embeds_the_cut_font_only():
    text, fonts = text_and_fonts(render("王春和"))
    assert "王春和" in text
    assert "出席人民代表大会会议" in text
    assert [font.split("+", 1)[1] for font in fonts] == [files.COMMON_FAMILY.replace(" ", "-")], (
        fonts
    )


@pytest.mark.skipif(pdf_font.common_font() is None, reason="HarfBuzz's subsetter or the font")
def test_a_name_outside_gb_2312_is_drawn_from_the_whole_font():
    text, fonts = text_and_fonts(render("王堃"))
    assert "王堃" in text
    assert len(fonts) == 2, fonts  # the cut font, and the whole one for 堃


def test_letting_the_renderer_go_deletes_its_copy_of_the_font(monkeypatch):
    monkeypatch.setattr(files, "_RENDERER", None)
    renderer = files.pdf_renderer()
    folder = renderer.font_config._folder  # WeasyPrint's, made for the @font-face rule
    files.pdf_renderer_close()  # the renderer still referenced, as a frozen heap keeps it
    if folder is not None:
        assert not folder.exists()
    assert files.pdf_renderer() is not renderer


def test_without_harfbuzz_the_reports_use_the_whole_font(monkeypatch, caplog):
    def missing():
        raise OSError("libharfbuzz-subset.so.0: cannot open shared object file")

    monkeypatch.setattr(pdf_font, "_harfbuzz", missing)
    assert pdf_font.common_font() is None
    assert "libharfbuzz-subset0" in caplog.text
