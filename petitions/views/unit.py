"""A handling unit's page (承办单位): the concerns assigned to it, deadlines first.

Accepting, returning a wrong assignment and reporting the result happen on the shared work
page (views/work.py), where the workflow table draws the unit's buttons.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from liaison.models import HandlingUnit
from liaison.paging import DeferredJoinPaginator
from liaison.roles import roles_for
from petitions import access
from petitions.models import HANDLING_STEPS, OPEN_FIRST

ROWS_PER_PAGE = 50
# From the unit's side a concern is "open" while it is theirs to act on: HANDLING_STEPS.
FILTERS = ("all", "open", "finished")


def unit_queryset(user, unit_ids):
    """The concerns assigned to the user's units. Through access.petitions_for_user, so an
    accusation against the unit (检举控告) is never listed, whatever it was assigned to."""
    today = timezone.localdate()
    return (
        access.petitions_for_user(user)
        .filter(unit_id__in=unit_ids)
        .select_related("category", "unit", "town", "village")
        .annotate(
            is_open=ExpressionWrapper(Q(step__in=HANDLING_STEPS), output_field=BooleanField()),
            # The job cards a petition red once a day; the list does not wait for it.
            is_overdue=ExpressionWrapper(
                Q(step__in=HANDLING_STEPS, deadline__lt=today), output_field=BooleanField()
            ),
            # The expression of the unit queue's index (petition_unit_queue_idx).
            open_first=OPEN_FIRST,
        )
    )


@login_required
@require_GET
def unit_list(request):
    roles = roles_for(request.user)
    if not roles.unit_ids:
        return render(request, "petitions/not_a_unit_member.html")
    shown = request.GET.get("show", "all")
    if shown not in FILTERS:
        shown = "all"
    qs = unit_queryset(request.user, roles.unit_ids)
    counts = qs.aggregate(
        all=Count("pk"),
        open=Count("pk", filter=Q(step__in=HANDLING_STEPS)),
        overdue=Count("pk", filter=Q(step__in=HANDLING_STEPS, deadline__lt=timezone.localdate())),
    )
    counts["finished"] = counts["all"] - counts["open"]
    if shown == "open":
        qs = qs.filter(step__in=HANDLING_STEPS)
    elif shown == "finished":
        qs = qs.exclude(step__in=HANDLING_STEPS)
    qs = qs.order_by("open_first", F("deadline").asc(nulls_last=True), "-created_at", "-pk")
    page = DeferredJoinPaginator(qs, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "petitions/unit_list.html",
        {
            "page": page,
            "shown": shown,
            "counts": counts,
            "filters": FILTERS,
            "units": HandlingUnit.objects.filter(pk__in=roles.unit_ids).order_by("name"),
            "show_unit": len(roles.unit_ids) > 1,
        },
    )


urlpatterns = [
    path("unit/", unit_list, name="unit_list"),
]
