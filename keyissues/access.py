"""Who sees and changes which key issue. Called first in every view; out of scope is 404.

County staff: all; town staff: their town's stations; station staff: their station; a
representative: the issues of the stations they belong to (and adds notes to those they are
on). Staff change issues when they sign in to the administration (``user.is_staff``), as the
statistics' rule (``petitions.statistics.may_see_statistics``) has it."""

from django.db.models import Q, QuerySet
from django.http import Http404

from keyissues.models import KeyIssue
from liaison.models import Station
from liaison.roles import Roles, roles_for


def _staff_q(roles: Roles, *, town_field: str, station_field: str) -> Q | None:
    """The stations a staff member's scope covers, as a filter (``Q()``: all; None: none)."""
    if roles.county:
        return Q()
    q = None
    if roles.town_id is not None:
        q = Q(**{town_field: roles.town_id})
    if roles.station_id is not None:
        station = Q(**{station_field: roles.station_id})
        q = station if q is None else q | station
    return q


def is_congress_staff(user) -> bool:
    """Congress staff (county, town or station) who sign in to the administration."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and roles_for(user).is_staff_member
    )


def stations_for_editor(user) -> QuerySet:
    """The active stations whose key issues ``user`` may create and edit."""
    if not is_congress_staff(user):
        return Station.objects.none()
    q = _staff_q(roles_for(user), town_field="town_id", station_field="pk")
    if q is None:
        return Station.objects.none()
    return Station.objects.active().filter(q)


def key_issues_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    """Every key issue ``user`` may see (none for anyone without a role)."""
    qs = KeyIssue.objects.all() if queryset is None else queryset
    roles = roles_for(user)
    q = None
    if is_congress_staff(user):
        q = _staff_q(roles, town_field="station__town_id", station_field="station_id")
        if q == Q():
            return qs
    if roles.rep_station_ids:
        mine = Q(station_id__in=roles.rep_station_ids)
        q = mine if q is None else q | mine
    if q is None:
        return qs.none()
    return qs.filter(q)


def get_key_issue_for_user(user, pk, queryset: QuerySet | None = None) -> KeyIssue:
    """The key issue ``pk`` if ``user`` may see it; 404 otherwise, whatever the id."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    issue = key_issues_for_user(user, queryset).filter(pk=pk).first()
    if issue is None:
        raise Http404
    return issue


def may_edit(user, issue: KeyIssue) -> bool:
    """Staff whose scope covers the issue's station edit it and change its state."""
    if not is_congress_staff(user):
        return False
    roles = roles_for(user)
    return bool(
        roles.county
        or roles.town_id == issue.station.town_id
        or roles.station_id == issue.station_id
    )


def may_add_note(user, issue: KeyIssue, rep_ids: set[int]) -> bool:
    """Its editors, and the representatives on it (``rep_ids``: the issue's representatives)."""
    if may_edit(user, issue):
        return True
    rep = roles_for(user).representative_id
    return rep is not None and rep in rep_ids
