"""Legal help (信访+法律咨询, issue #11): the legal worker's list of the concerns where they
serve, and the county staff's page of the monthly joint receptions at the petition hall.

A legal worker opens a concern on the shared work page (views/work.py), where the workflow
table gives them one action, legal advice. What they may see is ``rules._legal_area`` (their
station's concerns, or the petition hall's for the hall's worker), never an accusation.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from liaison.models import Station
from liaison.paging import DeferredJoinPaginator
from liaison.roles import roles_for
from petitions import access

ROWS_PER_PAGE = 50
RECEPTIONS_PER_PAGE = 12  # a year of monthly receptions
SEARCH_MAX = 20  # a tracking number's length


def legal_queryset(user):
    """The concerns a legal worker serves, newest first, with what a row shows."""
    return (
        access.petitions_for_user(user)
        .select_related("category", "town", "village", "station")
        .order_by("-created_at", "-pk")
    )


@login_required
@require_GET
def legal_list(request):
    """A legal worker's concerns; anyone else gets 404 (their work is elsewhere)."""
    roles = roles_for(request.user)
    if not roles.legal_worker:
        raise Http404
    query = request.GET.get("q", "").strip()[:SEARCH_MAX]
    qs = legal_queryset(request.user)
    if query:
        qs = qs.filter(tracking_no__icontains=query)
    page = DeferredJoinPaginator(qs, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    station = (
        Station.objects.filter(pk=roles.legal_station_id).first()
        if roles.legal_station_id
        else None
    )
    return render(
        request,
        "petitions/legal_list.html",
        {"page": page, "query": query, "station": station},
    )


@login_required
@require_GET
def joint_receptions(request):
    """Each month's joint reception at the county petition hall, its roster and the concerns
    received at it."""
    receptions = access.joint_receptions_for_user(request.user)
    page = DeferredJoinPaginator(receptions, RECEPTIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": _("Joint receptions at the petition hall"),
        "page": page,
    }
    return render(request, "petitions/joint_receptions.html", context)


urlpatterns = [
    path("legal/", legal_list, name="legal_list"),
    path("staff/joint-receptions/", joint_receptions, name="joint_receptions"),
]
