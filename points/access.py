"""Who sees which point entry. Called first in every view that shows one; out of scope is 404.

A representative sees their own entries and nothing else. Evidence (photos and documents a
representative attached to a claim, personal data of third parties at times) goes only to
that representative and to staff who may review entries in the administration, for the
representatives their work covers; it is never under a public media URL (nginx serves only
``/media/stations/`` and ``/media/representatives/``).

Staff work on the points of the representatives and stations their ``StaffScope`` covers,
as they work on the concerns of their scope (``petitions/access.py``): county congress
staff and superusers on everyone's; town staff on their town's stations and the
representatives seated at one of them (a ``StationMembership``); station staff on their
station and its representatives; staff with no scope on nobody's. The model permissions
still decide who may open the administration's pages at all; this decides which rows
those pages show and act on. Activities (sessions, meetings) are county-wide events and
are not limited.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from liaison.models import Representative, StaffScope, Station, StationMembership
from points.models import PointEntry


def _int_or_404(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None


# --- whose points a staff member's work covers --------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """The representatives and stations a staff member's points work covers."""

    everyone: bool = False
    town_id: int | None = None
    station_id: int | None = None

    def memberships_q(self) -> Q:
        """The station memberships that bring a representative into the coverage."""
        if self.town_id is not None:
            return Q(station__town_id=self.town_id)
        if self.station_id is not None:
            return Q(station_id=self.station_id)
        return Q(pk__in=[])

    def stations_q(self) -> Q:
        if self.town_id is not None:
            return Q(town_id=self.town_id)
        if self.station_id is not None:
            return Q(pk=self.station_id)
        return Q(pk__in=[])


def coverage_for(user) -> Coverage:
    """What ``user``'s points work covers: one query at most (none for a superuser), cached
    on the user object for the rest of the request. Read as ``roles_for`` reads a scope."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Coverage()
    cached = getattr(user, "_points_coverage", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        coverage = Coverage(everyone=True)
    else:
        scope = StaffScope.objects.filter(user=user).only("level", "town_id", "station_id")
        scope = scope.first()
        level = scope.level if scope is not None else None
        coverage = Coverage(
            everyone=level == StaffScope.Level.COUNTY,
            town_id=scope.town_id if level == StaffScope.Level.TOWN else None,
            station_id=scope.station_id if level == StaffScope.Level.STATION else None,
        )
    user._points_coverage = coverage
    return coverage


def covered_representatives_q(user, field: str = "representative") -> Q | None:
    """A filter on ``field`` (a representative) for those ``user`` covers; None means all.

    By id through a subquery: a representative seated at two stations of the town must not
    repeat a row."""
    coverage = coverage_for(user)
    if coverage.everyone:
        return None
    ids = StationMembership.objects.filter(coverage.memberships_q()).values("representative_id")
    return Q(**{f"{field}__in": ids})


def covered_stations_q(user, field: str = "station") -> Q | None:
    """A filter on ``field`` (a station) for those ``user`` covers; None means all."""
    coverage = coverage_for(user)
    if coverage.everyone:
        return None
    return Q(**{f"{field}__in": Station.objects.filter(coverage.stations_q()).values("pk")})


def limit_to_representatives(user, queryset: QuerySet, field: str = "representative") -> QuerySet:
    """The rows of ``queryset`` whose ``field`` is a representative ``user`` covers."""
    q = covered_representatives_q(user, field)
    return queryset if q is None else queryset.filter(q)


def limit_to_stations(user, queryset: QuerySet, field: str = "station") -> QuerySet:
    """The rows of ``queryset`` whose ``field`` is a station ``user`` covers."""
    q = covered_stations_q(user, field)
    return queryset if q is None else queryset.filter(q)


def representatives_for(user) -> QuerySet:
    """The representatives ``user`` covers, to choose from in a form."""
    return limit_to_representatives(user, Representative.objects.all(), "pk")


def stations_for(user) -> QuerySet:
    """The stations ``user`` covers, to choose from in a form."""
    return limit_to_stations(user, Station.objects.all(), "pk")


# --- entries ------------------------------------------------------------------------------------


def get_entry_for_representative(
    representative, pk, queryset: QuerySet | None = None
) -> PointEntry:
    """The entry ``pk`` if it belongs to ``representative``; 404 otherwise, whatever the id."""
    qs = PointEntry.objects.all() if queryset is None else queryset
    entry = qs.filter(pk=_int_or_404(pk), representative=representative).first()
    if entry is None:
        raise Http404
    return entry


def may_review(user) -> bool:
    """Staff who review entries: the same permission the admin's entry list needs."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("points.view_pointentry")
    )


def get_entry_evidence_for_user(user, pk) -> PointEntry:
    """The entry ``pk`` whose evidence ``user`` may open: their own, or, for reviewers, one
    of a representative their work covers; 404 otherwise, whatever the id."""
    entry = (
        PointEntry.objects.select_related("representative")
        .only("pk", "evidence", "representative__user_id", "representative__is_active")
        .filter(pk=_int_or_404(pk))
        .first()
    )
    if entry is None or not entry.evidence:
        raise Http404
    rep = entry.representative
    if rep.is_active and rep.user_id is not None and rep.user_id == user.pk:
        return entry
    if not may_review(user):
        raise Http404
    covered = covered_representatives_q(user)
    if covered is not None and not PointEntry.objects.filter(covered, pk=entry.pk).exists():
        raise Http404
    return entry
