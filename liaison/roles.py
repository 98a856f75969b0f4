"""Who a user is: county, town or station congress staff, a representative, a member of a
handling unit (or several of these at once). The foundation every access rule reads; no rule of
what a role may see or do lives here (that is each app's own access module)."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext

from liaison.models import StaffScope


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
    cached = getattr(user, "_roles", None)
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
    user._roles = roles
    return roles


def representative_for(user):
    """The user's active representative, or None (no query beyond roles_for's)."""
    if roles_for(user).representative_id is None:
        return None
    return user.representative


# Han characters: a Chinese name is written family name first, with no space.
_HAN = re.compile(r"[\u3400-\u9fff]")


def display_name(user) -> str:
    """How a person is shown to everyone else (a concern's history, the audit trails): a
    representative by their name on the roll, anyone else by the name staff gave them in
    the administration. Never their login, which only the administration's user pages show.

    Lists that show many people select ``representative`` with the user, so that this asks
    nothing of the database (a user with no representative is cached as such too)."""
    if user is None:
        return ""
    try:
        representative = user.representative
    except ObjectDoesNotExist:
        representative = None
    if representative is not None and representative.name:
        return representative.name
    first, last = user.first_name.strip(), user.last_name.strip()
    if first and last:
        if _HAN.search(first + last):
            return f"{last}{first}"  # 王 + 建国
        return f"{first} {last}"
    if first or last:
        return first or last
    return gettext("user without a name (no. %(id)s)") % {"id": user.pk}
