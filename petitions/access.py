"""Who sees which petition. Called first in every view that shows one; out of scope is 404.

The scopes themselves (county, town and station staff, representatives, handling units, and
the confidentiality of an accusation) are written once, in ``petitions/rules.py``; the
workflow's buttons and transitions read the same rules.
"""

import functools

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import render

from liaison import privacy
from liaison.models import Activity, ActivityGuest
from liaison.roles import representative_for, roles_for
from petitions import rules
from petitions.models import PersonalDataView, Petition
from petitions.tracking import hash_token


def petitions_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    """Every petition ``user`` may see (none for anyone without a role): ``rules.may_see``."""
    qs = Petition.objects.all() if queryset is None else queryset
    roles = roles_for(user)
    if not roles.is_anyone:
        return qs.none()
    return qs.filter(rules.may_see(roles))


def get_petition_for_user(user, pk, queryset: QuerySet | None = None) -> Petition:
    """The petition ``pk`` if ``user`` may see it; 404 otherwise, whatever the id."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    petition = petitions_for_user(user, queryset).filter(pk=pk).first()
    if petition is None:
        raise Http404
    return petition


def get_petition_by_token(token: str, queryset: QuerySet | None = None) -> Petition:
    """The petition whose secret tracking link holds ``token``; 404 otherwise."""
    if not token or len(token) > 100:
        raise Http404
    qs = Petition.objects.all() if queryset is None else queryset
    petition = qs.filter(token_hash=hash_token(token)).first()
    if petition is None:
        raise Http404
    return petition


def may_see_phone(user) -> bool:
    """Only county congress staff see a citizen's full phone number (``liaison.privacy``)."""
    return privacy.may_see_full_phone(roles_for(user))


def phone_for(user, petition: Petition, *, where: str) -> str:
    """The phone as ``user`` may see it (``liaison.privacy``): full for county staff, masked
    for everyone else.

    Every time a staff member, a representative or a unit is shown a concern's personal data
    (name or phone, masked or not) it is recorded (个人信息保护法: an audit of who saw what).
    """
    if not (petition.citizen_phone or petition.citizen_name):
        return ""
    if user is not None and user.is_authenticated:
        PersonalDataView.objects.create(user=user, petition=petition, where=where[:40])
    # The row above already records this view, whether the number is shown masked or full.
    return privacy.phone_for_viewer(roles_for(user), petition.citizen_phone, record=lambda: None)


def name_for(user, petition: Petition) -> str:
    """The citizen's name as ``user`` may see it: a handling unit sees only the surname
    (it answers through the congress and the tracking page, not by name)."""
    name = petition.citizen_name
    if not name:
        return ""
    roles = roles_for(user)
    if roles.is_staff_member or roles.representative_id is not None:
        return name
    return name[0] + "*" * (len(name) - 1)


# --- the joint receptions at the county petition hall (信访+法律咨询, issue #11) ---


def may_see_joint_receptions(user) -> bool:
    """County congress staff who sign in to the administration: the petition hall is the
    county's, so the joint receptions are theirs alone."""
    return bool(
        user is not None and user.is_authenticated and user.is_staff and roles_for(user).county
    )


def joint_receptions_for_user(user):
    """The joint receptions ``user`` may see, with their rosters and the concerns received
    at each, in a fixed number of queries; 404 for anyone but county staff."""
    if not may_see_joint_receptions(user):
        raise Http404
    concerns = Petition.objects.filter(channel=Petition.Channel.PETITION_HALL).order_by(
        "created_at", "pk"
    )
    return (
        Activity.objects.filter(kind=Activity.Kind.JOINT_RECEPTION)
        .order_by("-date", "-pk")
        .prefetch_related(
            Prefetch("guests", queryset=ActivityGuest.objects.order_by("pk")),
            # The representatives on the roster: the activity's attendance rows (the points
            # app's), read through the activity's own relation.
            "attendances__representative",
            Prefetch("petitions", queryset=concerns, to_attr="hall_concerns"),
        )
    )


def representative_required(page_title):
    """For a representative's own pages (inside ``login_required``): the view is called with
    the signed-in user's active representative as ``rep``; anyone else gets the page saying
    these pages are for representatives, refused (403) when it was a POST."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            rep = representative_for(request.user)
            if rep is None:
                return render(
                    request,
                    "not_a_representative.html",
                    {"page_title": page_title},
                    status=403 if request.method == "POST" else 200,
                )
            return view(request, *args, rep=rep, **kwargs)

        return wrapper

    return decorator
