"""Grids (网格) seen from the concerns: each grid's open concerns and its 微实事 (small
matters solved in the grid, ``Petition.is_micro_matter``), for the staff page and the grid's
public page. The grids themselves are liaison's (``liaison/grids.py``)."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from liaison.models import Deputy, Grid, Representative
from liaison.roles import roles_for
from petitions.access import petitions_for_user
from petitions.models import DROPPED_STEPS, OPEN_STEPS, Petition


def _micro_matters_this_year() -> Q:
    """A 微实事 received this year and not dropped (declined or merged into another)."""
    return Q(is_micro_matter=True, received_on__year=timezone.localdate().year) & ~Q(
        step__in=DROPPED_STEPS
    )


def grid_micro_matter_count(grid) -> int:
    """This year's 微实事 from the grid's villages: a count, no concern shown (the grid's
    public page; one query)."""
    return Petition.objects.filter(_micro_matters_this_year(), village__grids=grid).count()


def grids_for_user(user):
    """The grids a congress staff member may list: county staff all, town staff their
    town's, station staff their station's; none for anyone else."""
    roles = roles_for(user)
    if roles.county:
        return Grid.objects.all()
    scope = Q(pk__in=[])
    if roles.town_id is not None:
        scope |= Q(town_id=roles.town_id)
    if roles.station_id is not None:
        scope |= Q(station_id=roles.station_id)
    return Grid.objects.filter(scope)


def _count(petitions, condition: Q):
    """A subquery counting ``petitions`` of the outer grid's villages that meet
    ``condition`` (a subquery per column: joins for two counts would multiply each other)."""
    rows = (
        petitions.filter(condition, village__grids=OuterRef("pk"))
        .order_by()
        .values("village__grids")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def grid_rows(user):
    """The staff page's grids, with their town, station, villages count, representatives,
    deputies, open concerns (those the user may see) and this year's 微实事: four queries
    however many grids."""
    seen = petitions_for_user(user)
    return (
        grids_for_user(user)
        .select_related("town", "station")
        .annotate(
            village_count=Count("villages", distinct=True),
            open_count=_count(seen, Q(step__in=OPEN_STEPS)),
            micro_count=_count(seen, _micro_matters_this_year()),
        )
        .prefetch_related(
            Prefetch(
                "representatives",
                queryset=Representative.objects.order_by("name", "pk"),
            ),
            Prefetch("deputies", queryset=Deputy.objects.order_by("name", "pk")),
        )
        .order_by("town__order", "town__name", "name", "pk")
    )
