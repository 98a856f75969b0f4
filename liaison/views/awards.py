"""Awards by stars (以奖代补, issue #14): county staff's pages inside the administration's
frame. Thin: parse, check access (``awards.may_manage_awards``; anyone else signed in gets
404, like the rhythm's page), call one rule of ``liaison.awards``, show or redirect."""

import io
from functools import wraps

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from liaison import awards
from liaison.award_forms import AwardAmountsForm

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Years the pages accept: a hostile or mistyped year is a 404, not a row.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def county_only(view):
    """Signed-in county congress staff only; a year out of range is 404 too."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, year=None, **kwargs):
        if not awards.may_manage_awards(request.user):
            raise Http404
        if year is None:
            return view(request, *args, **kwargs)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404
        return view(request, *args, year=year, **kwargs)

    return wrapper


def _locked_message(year) -> str:
    return _(
        "The awards of %(year)s are locked: its star ratings and amounts no longer change."
    ) % {"year": year}


def _context(request, **extra):
    return {**admin.site.each_context(request), **extra}


@county_only
@require_GET
def award_years(request):
    context = _context(request, title=_("Awards by stars (以奖代补)"), years=awards.award_years())
    return render(request, "liaison/awards_years.html", context)


@county_only
@require_http_methods(["GET", "POST"])
def award_year(request, year):
    current = awards.award_list(year)
    form = None if current.locked else AwardAmountsForm(amounts=current.amounts)
    status = 200
    if request.method == "POST" and current.locked:
        messages.error(request, _locked_message(year))
        status = 409
    elif request.method == "POST":
        form = AwardAmountsForm(request.POST, amounts=current.amounts)
        try:
            changed = awards.award_levels_set(year=year, amounts=form.amounts(), actor=request.user)
        except awards.AwardsLocked:
            # Locked between the page's read and this save: nothing was saved.
            messages.error(request, _locked_message(year))
            form, status = None, 409
        except ValidationError as error:
            if not form.errors:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The amounts of %(year)s are saved (%(count)s changed).")
                % {"year": year, "count": changed},
            )
            return redirect("liaison:staff_award_year", year=year)
    context = _context(
        request,
        title=_("Awards of %(year)s") % {"year": year},
        year=year,
        awards=current,
        form=form,
        events=awards.award_events(year),
    )
    return render(request, "liaison/awards_year.html", context, status=status)


@county_only
@require_http_methods(["GET", "POST"])
def award_lock(request, year):
    current = awards.award_list(year)
    if current.locked:
        messages.info(request, _("The awards of %(year)s are already locked.") % {"year": year})
        return redirect("liaison:staff_award_year", year=year)
    refusal = current.lock_refusal
    if request.method == "POST":
        try:
            done = awards.awards_lock(year=year, actor=request.user)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            if done:
                messages.success(request, _("The awards of %(year)s are locked.") % {"year": year})
            else:
                messages.info(
                    request, _("The awards of %(year)s are already locked.") % {"year": year}
                )
            return redirect("liaison:staff_award_year", year=year)
    context = _context(
        request,
        title=_("Lock the awards of %(year)s") % {"year": year},
        year=year,
        awards=current,
        refusal=refusal,
    )
    return render(request, "liaison/awards_lock.html", context)


@county_only
@require_GET
def award_export(request, year):
    """The year's award list for the finance office, written row by row."""
    current = awards.award_list(year)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Awards %(year)s") % {"year": year})
    for row in awards.spreadsheet_rows(current):
        cells = []
        for index, value in enumerate(row):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even one that looks like a formula
            elif index == 3:
                cell.number_format = "#,##0.00"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="awards-{year}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
