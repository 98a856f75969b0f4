"""Who sees which petition. Called first in every view that shows one; out of scope is 404.

Scopes (issue #3): county congress staff see all; town congress staff their town; station
staff their station; a representative the petitions addressed to them or received at their
stations; a handling unit those assigned to it. An accusation (检举控告) is seen only by
county staff and the unit they assign it to, never by the unit or representative it
accuses, whatever else would let them see it.
"""

import functools

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import render

from liaison.privacy import mask_phone
from liaison.roles import Roles, representative_for, roles_for  # noqa: F401 (named here for callers)
from petitions.models import PersonalDataView, Petition
from petitions.tracking import hash_token


def scope_q(roles: Roles) -> Q | None:
    """The petitions these roles may see, as a filter; None means all."""
    if roles.county:
        return None
    q = Q(pk__in=[])
    if roles.town_id is not None:
        q |= Q(town_id=roles.town_id) | Q(station__town_id=roles.town_id)
    if roles.station_id is not None:
        q |= Q(station_id=roles.station_id) | Q(
            representative__memberships__station_id=roles.station_id
        )
    if roles.representative_id is not None:
        q |= Q(representative_id=roles.representative_id)
        if roles.rep_station_ids:
            q |= Q(station_id__in=roles.rep_station_ids)
    if roles.unit_ids:
        q |= Q(unit_id__in=roles.unit_ids)
    return q


def exclusion_q(roles: Roles) -> Q:
    """What a user must not see even in scope.

    An accusation (检举控告) is confidential (信访工作条例 Art. 30): only county congress
    staff see it, and the unit they deliberately assign it to, never the unit or the
    representative it accuses. A representative whose QR code a citizen used to accuse
    someone (perhaps that very representative) does not see it either.
    """
    q = Q(pk__in=[])
    if not roles.county:
        q |= Q(category__is_accusation=True) & ~Q(unit_id__in=roles.unit_ids)
    if roles.unit_ids:
        q |= Q(accused_unit_id__in=roles.unit_ids)
    if roles.representative_id is not None:
        q |= Q(accused_representative_id=roles.representative_id)
    return q


def petitions_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    """Every petition ``user`` may see (none for anyone without a role)."""
    qs = Petition.objects.all() if queryset is None else queryset
    roles = roles_for(user)
    if not roles.is_anyone:
        return qs.none()
    q = scope_q(roles)
    if q is not None:
        # The membership join may repeat rows; filter by id to keep the queryset simple.
        qs = qs.filter(pk__in=Petition.objects.filter(q).values("pk"))
    return qs.exclude(exclusion_q(roles))


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
    """Only county congress staff see a citizen's full phone number."""
    return roles_for(user).county


def phone_for(user, petition: Petition, *, where: str) -> str:
    """The phone as ``user`` may see it: full for county staff, masked for everyone else.

    Every time a staff member, a representative or a unit is shown a concern's personal data
    (name or phone, masked or not) it is recorded (个人信息保护法: an audit of who saw what).
    """
    if not (petition.citizen_phone or petition.citizen_name):
        return ""
    if user is not None and user.is_authenticated:
        PersonalDataView.objects.create(user=user, petition=petition, where=where[:40])
    if not petition.citizen_phone:
        return ""
    if may_see_phone(user):
        return petition.citizen_phone
    return mask_phone(petition.citizen_phone)


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
