"""Staff pages of the year-end reports: the runs of every year with a form to build any
year, a run's progress, and its files.

Reached from the administration's index and shown inside the admin's frame. Only county
congress staff (``reports.may_see_reports``) see them; anyone else signed in gets 404. The
PDFs and the workbook are served here, after that check: never from a public media URL.
"""

from functools import wraps

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.files import private_file_response
from points import reports
from points.models import AnnualReport, ReportRun
from points.scoring import FIRST_YEAR

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORTS_PER_PAGE = 200


def county_staff_only(view):
    """Signed-in county congress staff only: others are sent to sign in, or get 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not reports.may_see_reports(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


class BuildForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].initial = this_year - 1
        self.fields["year"].widget.attrs["max"] = this_year


def _years(runs):
    """Runs grouped by year, newest first; in each, the run whose reports readers see."""
    years: dict[int, dict] = {}
    for run in runs:
        year = years.setdefault(run.year, {"year": run.year, "runs": [], "current": None})
        year["runs"].append(run)
        if run.status == ReportRun.Status.DONE and year["current"] is None:
            year["current"] = run  # runs come newest first, and only one runs at a time
    return list(years.values())


@county_staff_only
@require_http_methods(["GET", "POST"])
def report_runs(request):
    form = BuildForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            run = reports.annual_report_build(
                year=form.cleaned_data["year"], started_by=request.user
            )
        except reports.ReportRunRefused as refused:
            form.add_error("year", refused.message)
            status = 409
        else:
            return redirect("points:staff_report_run", run_id=run.pk)
    elif request.method == "POST":
        status = 400
    runs = ReportRun.objects.select_related("started_by", "started_by__representative").order_by(
        "-year", "-created_at", "-pk"
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Year-end reports"),
        "form": form,
        "years": _years(runs),
    }
    return render(request, "points/staff_report_runs.html", context, status=status)


def _percent(part: int, whole: int) -> int:
    return 100 * part // whole if whole else 100


@county_staff_only
@require_GET
def report_run(request, run_id):
    run = reports.get_run_for_user(request.user, run_id)
    active = run.status in reports.ACTIVE
    latest = reports.latest_run(run.year) if run.status == ReportRun.Status.DONE else None
    page = None
    if run.status == ReportRun.Status.DONE:
        # Ranks and PDFs are complete only once the run is done. A replaced run has no rows
        # left, unless a publication still pins it.
        page = Paginator(
            AnnualReport.objects.filter(run=run)
            .select_related("representative")
            .order_by("rank", "representative__name", "pk"),
            REPORTS_PER_PAGE,
        ).get_page(request.GET.get("page"))
        for report in page:
            report.flag_labels = reports.flag_labels(report.flags)
    context = {
        **admin.site.each_context(request),
        "title": _("Year-end reports of %(year)s, run %(run)s") % {"year": run.year, "run": run.pk},
        "run": run,
        "active": active,
        "latest": latest,
        "page": page,
        "done_percent": _percent(run.done, run.total),
        "pdf_percent": _percent(run.pdf_done, run.total),
    }
    return render(request, "points/staff_report_run.html", context)


@county_staff_only
@require_POST
def report_run_stop(request, run_id):
    run = reports.get_run_for_user(request.user, run_id)
    if reports.report_run_stop(run=run, actor=request.user):
        messages.success(request, _("The run has been stopped; the year keeps its last reports."))
    else:
        messages.info(request, _("The run had already ended."))
    return redirect("points:staff_report_run", run_id=run.pk)


@county_staff_only
@require_GET
def report_run_workbook(request, run_id):
    run = reports.get_run_for_user(request.user, run_id)
    if not run.workbook:
        raise Http404
    return private_file_response(
        run.workbook,
        filename=f"annual-reports-{run.year}-run{run.pk}.xlsx",
        content_type=XLSX_TYPE,
        as_attachment=True,
    )


@county_staff_only
@require_GET
def report_pdf(request, run_id, report_id):
    run = reports.get_run_for_user(request.user, run_id)
    report = (
        AnnualReport.objects.select_related("representative").filter(pk=report_id, run=run).first()
    )
    if report is None or not report.pdf:
        raise Http404
    return private_file_response(
        report.pdf,
        filename=f"{run.year}-{report.representative.name}.pdf",
        content_type="application/pdf",
        as_attachment=False,
    )


urlpatterns = [
    path("staff/points/reports/", report_runs, name="staff_report_runs"),
    path("staff/points/reports/<int:run_id>/", report_run, name="staff_report_run"),
    path("staff/points/reports/<int:run_id>/stop/", report_run_stop, name="staff_report_run_stop"),
    path(
        "staff/points/reports/<int:run_id>/workbook.xlsx",
        report_run_workbook,
        name="staff_report_workbook",
    ),
    path(
        "staff/points/reports/<int:run_id>/pdf/<int:report_id>.pdf",
        report_pdf,
        name="staff_report_pdf",
    ),
]
