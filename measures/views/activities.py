"""The activities' results pages (issue #14, part B): the figures of a period and a kind, with
the seed's sentence and exports, and one activity's results with its researched issues and
followed sites. Thin: check access first (``measures.activities``), parse, call one service.
Shown inside the admin's frame, like the statistics; reached from the administration's index.
"""

import csv
import io
from functools import wraps

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from liaison.models import Activity
from measures import activities as rules
from measures import activity_services as services
from measures.activity_forms import FollowedSiteForm, ResearchedIssueForm, ResultsFilterForm
from measures.models import ActivityResultEvent, FollowedSite, ResearchedIssue
from petitions.models import Petition

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def results_staff(view):
    """County and town congress staff only: others are sent to sign in, or get 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not rules.may_see_activity_results(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


# --- a period's results ---------------------------------------------------------------------------


def _period(request):
    """The filter form, its filters, the activities of the period (with their figures) and
    the total: a constant number of queries."""
    form = ResultsFilterForm(request.GET, user=request.user)
    filters = form.filters()
    acts = rules.activities_in(**filters)
    by_activity = rules.results_by_activity(acts)
    rows = [
        (a, by_activity.get(a.pk, rules.ActivityResults()))
        for a in acts.select_related("station__town").order_by("-date", "pk")
    ]
    total = sum((r for _a, r in rows), rules.ActivityResults())
    return form, filters, rows, total


def _links(rows) -> dict[str, str]:
    """Each figure's list in the administration, where one exists: the activities, their
    present attendances, and the concerns raised at them (by level, on the spot)."""
    if not rows:
        return {}
    ids = ",".join(str(a.pk) for a, _r in rows)
    concerns = reverse("admin:petitions_petition_changelist") + "?source_activity__in=" + ids
    return {
        "activities": reverse("admin:liaison_activity_changelist") + "?id__in=" + ids,
        "attendances": reverse("admin:points_attendance_changelist")
        + "?"
        + urlencode({"activity__in": ids, "status__exact": "present"}),
        "concerns": concerns,
        "town_level": concerns + "&level__exact=town",
        "county_level": concerns + "&level__exact=county",
        "on_the_spot": concerns + "&handled_on_the_spot__exact=1",
    }


def _query(filters) -> str:
    params = {
        "kind": filters["kind"] or "",
        "start": filters["start"].isoformat(),
        "end": filters["end"].isoformat(),
    }
    if filters["town"] is not None:
        params["town"] = filters["town"].pk
    return urlencode(params)


@results_staff
@require_GET
def results_page(request):
    form, filters, rows, total = _period(request)
    links = _links(rows)
    figures = [
        (name, label, getattr(total, name), links.get(name))
        for name, label in rules.FIGURE_LABELS.items()
    ]
    context = {
        **admin.site.each_context(request),
        "title": _("Activities' results"),
        "form": form,
        "filters": filters,
        "sentence": rules.results_sentence(total, filters["kind"]),
        "figures": figures,
        "rows": rows,
        "query": _query(filters),
    }
    return render(request, "measures/activity_results.html", context)


def _filename(filters, extension) -> str:
    parts = [
        "activity-results",
        filters["kind"] or "all",
        filters["start"].isoformat(),
        filters["end"].isoformat(),
    ]
    if filters["town"] is not None:
        parts.append(f"town{filters['town'].pk}")
    return "_".join(parts) + "." + extension


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _export_rows(request):
    _form, filters, _rows, total = _period(request)
    return filters, rules.export_rows(total, **filters)


@results_staff
@require_GET
def results_csv(request):
    """The figures as CSV: UTF-8 with a BOM, so that Excel reads the Chinese right."""
    filters, rows = _export_rows(request)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, _filename(filters, "csv"))


@results_staff
@require_GET
def results_xlsx(request):
    """The figures as an Excel workbook; text cells stay text."""
    filters, rows = _export_rows(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Activities' results")[:31])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(
        HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE), _filename(filters, "xlsx")
    )


# --- one activity's results ----------------------------------------------------------------------


def _render_activity(request, activity, *, issue_form=None, site_form=None, status=200):
    results = rules.results_by_activity(Activity.objects.filter(pk=activity.pk)).get(
        activity.pk, rules.ActivityResults()
    )
    petitions = list(
        Petition.objects.filter(source_activity=activity).select_related("category").order_by("pk")
    )
    issues = ResearchedIssue.objects.filter(activity=activity).prefetch_related(
        Prefetch("petitions", queryset=Petition.objects.only("pk", "tracking_no").order_by("pk"))
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Results of %(activity)s") % {"activity": activity.title},
        "activity": activity,
        "results": results,
        "sentence": rules.results_sentence(results, activity.kind),
        "figures": [
            (label, getattr(results, name))
            for name, label in rules.FIGURE_LABELS.items()
            if name != "activities"
        ],
        "petitions": petitions,
        "guests": activity.guests.all(),
        "issues": issues,
        "sites": FollowedSite.objects.filter(activity=activity),
        "events": ActivityResultEvent.objects.filter(activity=activity).select_related(
            "actor__representative"
        )[:50],
        "issue_form": issue_form
        or ResearchedIssueForm(activity=activity, petitions=petitions, auto_id="id_issue_%s"),
        "site_form": site_form or FollowedSiteForm(auto_id="id_site_%s"),
        "concerns_url": reverse("admin:petitions_petition_changelist")
        + f"?source_activity__id__exact={activity.pk}",
    }
    return render(request, "measures/activity_detail_results.html", context, status=status)


@results_staff
@require_GET
def activity_page(request, pk):
    return _render_activity(request, rules.get_activity_for_user(request.user, pk))


def _done(request, activity, message):
    messages.success(request, message)
    return redirect("measures:activity_results", pk=activity.pk)


@results_staff
@require_POST
def issue_add(request, pk):
    activity = rules.get_activity_for_user(request.user, pk)
    form = ResearchedIssueForm(request.POST, activity=activity, auto_id="id_issue_%s")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.researched_issue_add(
                activity=activity,
                title=d["title"],
                plan=d["plan"],
                petitions=d["petitions"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, activity, _("The common issue was added."))
    return _render_activity(request, activity, issue_form=form, status=400)


@results_staff
@require_POST
def issue_remove(request, pk, issue_pk):
    activity = rules.get_activity_for_user(request.user, pk)
    issue = get_object_or_404(ResearchedIssue, pk=issue_pk, activity=activity)
    services.researched_issue_remove(issue=issue, actor=request.user)
    return _done(request, activity, _("The common issue was removed."))


@results_staff
@require_POST
def site_add(request, pk):
    activity = rules.get_activity_for_user(request.user, pk)
    form = FollowedSiteForm(request.POST, auto_id="id_site_%s")
    if form.is_valid():
        try:
            services.followed_site_add(
                activity=activity,
                name=form.cleaned_data["name"],
                problems=form.cleaned_data["problems"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, activity, _("The demonstration site was added."))
    return _render_activity(request, activity, site_form=form, status=400)


@results_staff
@require_POST
def site_remove(request, pk, site_pk):
    activity = rules.get_activity_for_user(request.user, pk)
    site = get_object_or_404(FollowedSite, pk=site_pk, activity=activity)
    services.followed_site_remove(site=site, actor=request.user)
    return _done(request, activity, _("The demonstration site was removed."))


urlpatterns = [
    path("staff/activity-results/", results_page, name="activity_results_period"),
    path("staff/activity-results/export.csv", results_csv, name="activity_results_csv"),
    path("staff/activity-results/export.xlsx", results_xlsx, name="activity_results_xlsx"),
    path("staff/activities/<int:pk>/results/", activity_page, name="activity_results"),
    path("staff/activities/<int:pk>/results/issues/", issue_add, name="activity_issue_add"),
    path(
        "staff/activities/<int:pk>/results/issues/<int:issue_pk>/remove/",
        issue_remove,
        name="activity_issue_remove",
    ),
    path("staff/activities/<int:pk>/results/sites/", site_add, name="activity_site_add"),
    path(
        "staff/activities/<int:pk>/results/sites/<int:site_pk>/remove/",
        site_remove,
        name="activity_site_remove",
    ),
]
