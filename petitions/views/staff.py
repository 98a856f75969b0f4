"""Staff pages outside the model admin: the statistics of concerns and their exports.

Reached from the administration's index and the concerns' list; shown inside the admin's
own frame. Only congress staff (``statistics.may_see_statistics``) see them; anyone else
signed in gets 404.
"""

import csv
import io
from functools import wraps

from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from liaison.models import Town
from liaison.roles import roles_for
from petitions import statistics

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def staff_only(view):
    """Signed-in congress staff only: others are sent to sign in, or get 404."""

    @login_required
    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not statistics.may_see_statistics(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


class StatisticsFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), coerce=int, required=False, empty_value=None
    )
    town = forms.ModelChoiceField(Town.objects.none(), label=gettext_lazy("Town"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("all years"))] + [
            (y, str(y)) for y in statistics.years_of(user=user)
        ]
        # Town staff: their town; others all towns (a short table), not "the towns that
        # occur", which would read every concern the user may see.
        roles = roles_for(user)
        towns = Town.objects.all()
        if roles.town_id is not None and not roles.county and roles.station_id is None:
            towns = towns.filter(pk=roles.town_id)
        self.fields["town"].queryset = towns
        self.fields["town"].empty_label = _("all towns")

    def filters(self) -> dict:
        """The valid filters; an invalid one is ignored rather than refused."""
        self.is_valid()
        return {
            "year": self.cleaned_data.get("year"),
            "town": self.cleaned_data.get("town"),
        }


def _filtered(request):
    form = StatisticsFilterForm(request.GET, user=request.user)
    filters = form.filters()
    stats = statistics.petition_statistics(user=request.user, **filters)
    return form, filters, stats


def _query(filters) -> str:
    params = {}
    if filters["year"]:
        params["year"] = filters["year"]
    if filters["town"] is not None:
        params["town"] = filters["town"].pk
    return urlencode(params)


@staff_only
def statistics_page(request):
    form, filters, stats = _filtered(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Statistics of concerns"),
        "form": form,
        "stats": stats,
        "query": _query(filters),
    }
    return render(request, "petitions/staff_statistics.html", context)


def _filename(filters, extension) -> str:
    parts = ["statistics", str(filters["year"] or "all")]
    if filters["town"] is not None:
        parts.append(f"town{filters['town'].pk}")
    return "-".join(parts) + "." + extension


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_only
def statistics_csv(request):
    """The statistics as CSV: UTF-8 with a BOM, so that Excel reads the Chinese right."""
    _form, filters, stats = _filtered(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in statistics.export_rows(stats, **filters):
        writer.writerow(
            [
                f"{cell:.1%}" if isinstance(cell, float) else "" if cell is None else cell
                for cell in row
            ]
        )
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, _filename(filters, "csv"))


@staff_only
def statistics_xlsx(request):
    """The statistics as an Excel workbook, written row by row (write-only mode)."""
    _form, filters, stats = _filtered(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Statistics")[:31])
    for row in statistics.export_rows(stats, **filters):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # Text stays text, even one that looks like a formula after neutralising.
                cell.data_type = "s"
            elif isinstance(value, float):
                cell.number_format = "0.0%"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    return _attachment(response, _filename(filters, "xlsx"))


urlpatterns = [
    path("staff/statistics/", statistics_page, name="staff_statistics"),
    path("staff/statistics/export.csv", statistics_csv, name="staff_statistics_csv"),
    path("staff/statistics/export.xlsx", statistics_xlsx, name="staff_statistics_xlsx"),
]
