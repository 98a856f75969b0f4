"""The files of the year-end reports: one PDF per representative (WeasyPrint, Chinese text
in an embedded Noto Sans CJK) and the county workbook (openpyxl), under random names in the
default storage.

The PDF and workbook libraries are heavy to import: they are loaded by the processes that
render (the workers), not by every web process that imports the reports.
"""

import gc
import io
import logging
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from points.models import AnnualReport, Category, ReportRun
from points.reports.totals import flag_labels

logger = logging.getLogger(__name__)


def file_save(*, run: ReportRun, extension: str, content: bytes) -> str:
    """Store one of the run's files; returns its name in the default storage."""
    # Random names: the files are served only through the staff views, and a guessed URL on
    # a misconfigured web server must still find nothing.
    name = f"reports/{run.year}/{run.pk}/{secrets.token_hex(12)}.{extension}"
    return default_storage.save(name, ContentFile(content))


def delete_files(names) -> None:
    """Delete these files; one that will not go is logged, never raised (the rows that
    named it are gone already)."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete report file %s", name)


# --- one PDF per representative ---------------------------------------------------------------


_FONT_CONFIG = None
_HEAP_SETTLED = False


def settle_heap() -> None:
    """Once per process, after its first PDFs: set WeasyPrint's modules, caches and the
    loaded CJK font aside from the garbage collector. They live as long as the process; left
    in its sight, every full collection walks them again, and then takes a tenth of a second
    in the middle of whatever task is running (bench/points_year_end.py saw it in the
    totals of the next year-end run)."""
    global _HEAP_SETTLED
    if not _HEAP_SETTLED:
        _HEAP_SETTLED = True
        gc.collect()
        gc.freeze()


def _font_config():
    """One font configuration per process: a fresh one per report loads the CJK font anew,
    and a worker's memory then grows by tens of megabytes a report until the collector
    runs (bench/points_year_end.py prints the peak)."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        # Heavy: loaded by the processes that render, not by every web process.
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def report_pdf_render(
    *, report: AnnualReport, run: ReportRun, lines: list[dict], caps: dict, level_size: int
) -> bytes:
    """One representative's year as a PDF, Chinese text in an embedded Noto Sans CJK."""
    from weasyprint import HTML  # heavy: loaded by the workers that render, not the web

    categories = []
    for value, label in Category.choices:
        categories.append(
            {
                "label": label,
                "points": Decimal(report.by_category.get(value, "0")),
                "cap": caps.get(value),
                "lines": [line for line in lines if line["rule"].category == value],
            }
        )
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "points/report_pdf.html",
            {
                "report": report,
                "run": run,
                "representative": report.representative,
                "categories": categories,
                "flags": flag_labels(report.flags),
                "rank_of": run.total,
                "level_size": level_size,
                "congress_name": settings.CONGRESS_NAME,
                "generated_on": timezone.localdate(),
            },
        )
    return HTML(string=html).write_pdf(font_config=_font_config())


# --- the county workbook ----------------------------------------------------------------------


def _text_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell  # loaded with Workbook below, see there

    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"  # a name stays text, never a formula
    return cell


def _sheet_title(title) -> str:
    title = str(title)
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31]


def workbook_bytes(*, run: ReportRun, reports: list[AnnualReport]) -> bytes:
    """The county workbook (write-only mode): the ranking, and the per-category table."""
    from openpyxl import Workbook  # heavy: loaded by the workers that write it, not the web

    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook(write_only=True)
        ranking = workbook.create_sheet(_sheet_title(_("Ranking %(year)s") % {"year": run.year}))
        ranking.append(
            [
                _text_cell(ranking, label)
                for label in (
                    _("Rank"),
                    _("Name"),
                    _("Level"),
                    _("Rank within level"),
                    _("Total"),
                    _("Grade"),
                    _("Flags"),
                )
            ]
        )
        for r in reports:
            ranking.append(
                [
                    r.rank,
                    _text_cell(ranking, r.representative.name),
                    _text_cell(ranking, r.representative.get_level_display()),
                    r.rank_in_level,
                    r.total,
                    _text_cell(ranking, r.grade),
                    _text_cell(ranking, "; ".join(flag_labels(r.flags))),
                ]
            )
        table = workbook.create_sheet(_sheet_title(_("Points per category")))
        table.append(
            [
                _text_cell(table, label)
                for label in [_("Rank"), _("Name"), _("Level")]
                + [label for _value, label in Category.choices]
                + [_("Total")]
            ]
        )
        for r in reports:
            table.append(
                [
                    r.rank,
                    _text_cell(table, r.representative.name),
                    _text_cell(table, r.representative.get_level_display()),
                    *[Decimal(r.by_category.get(value, "0")) for value in Category.values],
                    r.total,
                ]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()
