"""County staff enter a year's working-day calendar from the State Council's notice."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from liaison.roles import roles_for
from petitions import calendar
from petitions.calendar_forms import CalendarYearForm
from petitions.models import CalendarDay


@login_required
def staff_calendar(request):
    """The form, and the years entered so far. County staff only; anyone else gets 404."""
    if not roles_for(request.user).county:
        raise Http404
    form = CalendarYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saved = calendar.calendar_year_save(
            year=d["year"], holidays=d["holidays"], workdays=d["workdays"], actor=request.user
        )
        messages.success(
            request,
            _("The %(year)d calendar is saved: %(n)d days.") % {"year": d["year"], "n": saved},
        )
        return redirect("petitions:staff_calendar")
    years = CalendarDay.objects.dates("date", "year", order="DESC")
    context = {
        **admin.site.each_context(request),
        "title": _("Working-day calendar"),
        "form": form,
        "years": [d.year for d in years],
    }
    return render(
        request, "petitions/staff_calendar.html", context, status=400 if form.errors else 200
    )


urlpatterns = [path("staff/calendar/", staff_calendar, name="staff_calendar")]
