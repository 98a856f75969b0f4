"""The rhythm's staff page: county staff set a year's themes (行动年, 主题季, 活动月) on one
form, inside the administration's frame. Anyone else signed in gets 404."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from liaison import rhythm
from liaison.forms import RhythmYearForm

# Years the page accepts: a hostile or mistyped year is a 404, not a row.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@login_required
@require_GET
def rhythm_this_year(request):
    if not rhythm.may_edit_rhythm(request.user):
        raise Http404
    return redirect("liaison:staff_rhythm", year=timezone.localdate().year)


@login_required
@require_http_methods(["GET", "POST"])
def rhythm_year(request, year):
    if not rhythm.may_edit_rhythm(request.user) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    form = RhythmYearForm(
        request.POST or None, slots=rhythm.SLOTS, initial_themes=rhythm.themes_of_year(year)
    )
    if request.method == "POST" and form.is_valid():
        changes = rhythm.theme_year_save(year=year, entries=form.entries(), actor=request.user)
        messages.success(
            request,
            _("The rhythm of %(year)s is saved (%(count)s changes).")
            % {
                "year": year,
                "count": changes,
            },
        )
        return redirect("liaison:staff_rhythm", year=year)
    context = {
        **admin.site.each_context(request),
        "title": _("Rhythm of %(year)s") % {"year": year},
        "year": year,
        "form": form,
        "previous_year": year - 1,
        "next_year": year + 1,
    }
    return render(request, "liaison/staff_rhythm.html", context)
