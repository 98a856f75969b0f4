"""Build a year's performance points reports by hand: ``manage.py build_annual_reports 2025``.

Prints the run's progress until it ends; exits non-zero when the build is refused (another
run of the year is active) or fails, so that a script or cron job notices.
"""

import argparse
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from points import reports
from points.models import ReportRun


class Command(BaseCommand):
    help = "Build a year's performance points reports: one PDF per representative and the county workbook."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--no-wait", action="store_true", help="Queue the run and return at once."
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=0,
            help="Stop waiting after this many seconds (exit code 1; the run goes on).",
        )
        parser.add_argument("--interval", type=float, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args, year, no_wait, timeout, interval, **options):
        try:
            run = reports.annual_report_build(year=year)
        except reports.ReportRunRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(
            _("Run %(run)s: the reports of %(year)s for %(total)s representatives.")
            % {"run": run.pk, "year": year, "total": run.total}
        )
        started, last = time.monotonic(), None
        while True:
            line = _("%(status)s: totals %(done)s/%(total)s, PDFs %(pdf_done)s/%(total)s") % {
                "status": run.get_status_display(),
                "done": run.done,
                "pdf_done": run.pdf_done,
                "total": run.total,
            }
            if line != last:
                self.stdout.write(line)
                last = line
            if no_wait or run.status not in reports.ACTIVE:
                break
            if timeout and time.monotonic() - started > timeout:
                raise CommandError(
                    _(
                        "Run %(run)s is still running after %(seconds)s s; it goes on in the workers."
                    )
                    % {"run": run.pk, "seconds": int(timeout)}
                )
            time.sleep(interval)
            run.refresh_from_db()
        if run.status == ReportRun.Status.FAILED:
            raise CommandError(
                _("Run %(run)s failed: %(error)s") % {"run": run.pk, "error": run.error}
            )
        if run.status == ReportRun.Status.DONE:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Run %(run)s done: %(total)s reports of %(year)s, workbook %(workbook)s.")
                    % {"run": run.pk, "total": run.total, "year": year, "workbook": run.workbook}
                )
            )
