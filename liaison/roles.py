"""Who a user is: county, town or station congress staff, a representative, a member of a
handling unit (or several of these at once). The foundation every access rule reads; no rule of
what a role may see or do lives here (that is each app's own access module)."""

from dataclasses import dataclass, field

from django.db.models import Value

from liaison.models import StaffScope, StationMembership, Village


@dataclass(frozen=True)
class Roles:
    county: bool = False
    town_id: int | None = None
    station_id: int | None = None
    representative_id: int | None = None
    rep_station_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    # The villages of the active grids a representative looks after (网格): their concerns
    # are offered to the representative.
    grid_village_ids: frozenset[int] = field(default_factory=frozenset)
    # A legal worker (法律工作者), at a station's legal-service room (``legal_station_id``)
    # or at the county petition hall (``legal_station_id`` None).
    legal_worker: bool = False
    legal_station_id: int | None = None

    @property
    def is_staff_member(self) -> bool:
        return self.county or self.town_id is not None or self.station_id is not None

    @property
    def is_anyone(self) -> bool:
        return (
            self.is_staff_member
            or self.representative_id is not None
            or bool(self.unit_ids)
            or self.legal_worker
        )


def _places_of(rep) -> tuple[list[int], list[int]]:
    """The stations a representative belongs to and the villages of the active grids they
    look after, in one query (a UNION): every page a representative opens asks who they are."""
    stations = (
        StationMembership.objects.filter(representative=rep)
        .annotate(place=Value(0))
        .order_by()
        .values_list("place", "station_id")
    )
    villages = (
        Village.objects.filter(grids__representatives=rep, grids__is_active=True)
        .annotate(place=Value(1))
        .order_by()
        .values_list("place", "pk")
    )
    station_ids, village_ids = [], []
    for place, pk in stations.union(villages, all=True):
        (village_ids if place else station_ids).append(pk)
    return station_ids, village_ids


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
    rep_station_ids, grid_village_ids = _places_of(rep) if rep else ((), ())
    if rep is not None and not rep.is_active:
        rep_station_ids, grid_village_ids = (), ()
    unit_ids = frozenset(user.handling_units.filter(is_active=True).values_list("pk", flat=True))
    roles = Roles(
        county=county,
        town_id=scope.town_id if scope and scope.level == StaffScope.Level.TOWN else None,
        station_id=scope.station_id if scope and scope.level == StaffScope.Level.STATION else None,
        representative_id=rep.pk if rep and rep.is_active else None,
        rep_station_ids=frozenset(rep_station_ids),
        unit_ids=unit_ids,
        grid_village_ids=frozenset(grid_village_ids),
        legal_worker=scope is not None and scope.level == StaffScope.Level.LEGAL,
        legal_station_id=scope.station_id
        if scope and scope.level == StaffScope.Level.LEGAL
        else None,
    )
    user._roles = roles
    return roles


def representative_for(user):
    """The user's active representative, or None (no query beyond roles_for's)."""
    if roles_for(user).representative_id is None:
        return None
    return user.representative
