"""Who sees which petition. Called first in every view that shows one; out of scope is 404.

The scopes themselves (county, town and station staff, representatives, handling units, and
the confidentiality of an accusation) are written once, in ``petitions/rules.py``; the
workflow's buttons and transitions read the same rules.
"""

import hashlib
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from liaison.services import mask_phone
from petitions import rules
from petitions.models import PersonalDataView, Petition, StaffScope


@dataclass(frozen=True)
class Roles:
    county: bool = False
    town_id: int | None = None
    station_id: int | None = None
    representative_id: int | None = None
    rep_station_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff_member(self) -> bool:
        return self.county or self.town_id is not None or self.station_id is not None

    @property
    def is_anyone(self) -> bool:
        return self.is_staff_member or self.representative_id is not None or bool(self.unit_ids)


def roles_for(user) -> Roles:
    """Everything the access rules need to know about ``user``, in at most four queries,
    cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Roles()
    cached = getattr(user, "_petition_roles", None)
    if cached is not None:
        return cached
    scope = StaffScope.objects.filter(user=user).first()
    county = user.is_superuser or (scope is not None and scope.level == StaffScope.Level.COUNTY)
    rep = getattr(user, "representative", None) if hasattr(user, "representative") else None
    rep_station_ids = (
        frozenset(rep.memberships.values_list("station_id", flat=True)) if rep else frozenset()
    )
    unit_ids = frozenset(user.handling_units.filter(is_active=True).values_list("pk", flat=True))
    roles = Roles(
        county=county,
        town_id=scope.town_id if scope and scope.level == StaffScope.Level.TOWN else None,
        station_id=scope.station_id if scope and scope.level == StaffScope.Level.STATION else None,
        representative_id=rep.pk if rep and rep.is_active else None,
        rep_station_ids=rep_station_ids if rep and rep.is_active else frozenset(),
        unit_ids=unit_ids,
    )
    user._petition_roles = roles
    return roles


def representative_for(user):
    """The user's active representative, or None (no query beyond roles_for's)."""
    if roles_for(user).representative_id is None:
        return None
    return user.representative


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


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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
