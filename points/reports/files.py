"""The files of the year-end reports: one PDF per representative (WeasyPrint, Chinese text
in an embedded Noto Sans CJK) and the county workbook (openpyxl), under random names in the
default storage.

The PDF and workbook libraries are heavy to import: they are loaded by the processes that
render (the workers), not by every web process that imports the reports.
"""

import atexit
import gc
import io
import logging
import secrets
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from points.models import AnnualReport, Category, ReportRun
from points.reports import pdf_font
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


_HEAP_SETTLED = False
_RENDERER = None

# The report's stylesheet: read and parsed once per process (PdfRenderer), not with every
# report's HTML, where WeasyPrint would parse it again for each of a year's 1,500 reports.
STYLESHEET = Path(__file__).with_name("report_pdf.css")
# The family of pdf_font's cut of the CJK font, first in the reports' font list.
COMMON_FAMILY = "Zhashui Report CJK"


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


class PdfRenderer:
    """What every report a process renders shares, loaded once: the compiled template, the
    parsed stylesheet and one font configuration. A fresh font configuration per report
    loads the CJK font anew, and a worker's memory then grows by tens of megabytes a report
    until the collector runs (bench/points_year_end.py prints the peak);
    bench/points_pdf_profile.py shows where a report's time goes."""

    def __init__(self):
        # Heavy: loaded by the processes that render, not by every web process.
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        self._html = HTML
        self.font_config = FontConfiguration()
        self.stylesheets = [CSS(string=STYLESHEET.read_text(), font_config=self.font_config)]
        font = pdf_font.common_font()
        if font is not None:
            # The font configuration copies the file into its own folder as it reads the
            # rule, and keeps it as long as the process (a data: URL would cost the CSS
            # parser seconds).
            with tempfile.NamedTemporaryFile(suffix=".otf") as file:
                file.write(font)
                file.flush()
                self.stylesheets.append(
                    CSS(
                        string=(
                            f'@font-face {{ font-family: "{COMMON_FAMILY}"; '
                            f"src: url({Path(file.name).as_uri()}); }}"
                            f'html {{ font-family: "{COMMON_FAMILY}", "{pdf_font.FAMILY}", '
                            "sans-serif; }"
                        ),
                        font_config=self.font_config,
                    )
                )
        self.template = get_template("points/report_pdf.html")

    def render(
        self,
        *,
        report: AnnualReport,
        run: ReportRun,
        lines: list[dict],
        caps: dict,
        level_size: int,
    ) -> bytes:
        """One representative's year as a PDF."""
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
            html = self.template.render(
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
                }
            )
        return self._html(string=html).write_pdf(
            stylesheets=self.stylesheets, font_config=self.font_config
        )


def pdf_renderer() -> PdfRenderer:
    """This process's renderer, made on first use."""
    global _RENDERER
    if _RENDERER is None:
        _RENDERER = PdfRenderer()
        atexit.register(pdf_renderer_close)
    return _RENDERER


def pdf_renderer_close() -> None:
    """Let this process's renderer go, and delete its font configuration's temporary
    folder (the copy of the CJK font). At exit: atexit, and in Celery's pool processes,
    which leave without running atexit, points/tasks.py."""
    global _RENDERER
    renderer, _RENDERER = _RENDERER, None
    # WeasyPrint deletes the folder when the configuration is collected, which a process
    # that set its heap aside (settle_heap) may never do: deleted here.
    folder = getattr(getattr(renderer, "font_config", None), "_folder", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def report_pdf_render(
    *, report: AnnualReport, run: ReportRun, lines: list[dict], caps: dict, level_size: int
) -> bytes:
    """One representative's year as a PDF, Chinese text in an embedded Noto Sans CJK."""
    return pdf_renderer().render(
        report=report, run=run, lines=lines, caps=caps, level_size=level_size
    )


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
