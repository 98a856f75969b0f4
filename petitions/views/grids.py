"""The staff page of grids (网格): each grid with its villages, who looks after it, its
open concerns and this year's 微实事. Inside the administration's frame, for congress staff
(as the statistics: ``statistics.may_see_statistics``); anyone else signed in gets 404."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from petitions.grids import grid_rows
from petitions.views.staff import staff_only

GRIDS_PER_PAGE = 50


@staff_only
def staff_grids(request):
    page = Paginator(grid_rows(request.user), GRIDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": _("Grids"),
        "page": page,
    }
    return render(request, "petitions/staff_grids.html", context)


urlpatterns = [
    path("staff/grids/", staff_grids, name="staff_grids"),
]
