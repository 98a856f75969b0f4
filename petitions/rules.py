"""Who may see a concern, and who may take each action on it: every rule written once.

A rule is a function of the user's ``Roles`` (``liaison.roles.roles_for``) that returns a ``Q`` over
``Petition``. ``may_see`` filters the lists and the detail pages
(``access.petitions_for_user``); each action's rule (``workflow.ACTIONS[…].who``) says who,
among those who may see a concern, may take the action. ``judge`` evaluates them for one
concern in the database, in one query, to draw the buttons and to guard each transition,
so what a user is listed, may open and may do can never disagree.

Each ``Q`` reads only the petition's own columns and short lists (``_in``: a town's
stations, a station's members), never a join to a many side (a representative's memberships): filtering by it never repeats a row, and it can
be annotated as a boolean (``Case(When(q))``) to judge every action of a concern at once.

Scopes (issue #3): county congress staff see all; town congress staff their town; station
staff their station, including the concerns addressed to its representatives; a
representative the concerns addressed to them, received at their stations or from the villages
of their grids (issue #11); a legal worker those received where they serve; a handling
unit those assigned to it. An accusation (检举控告) is seen only by county staff and the unit
they assign it to, never by the unit or representative it accuses, whatever else would let
them see it. Nobody may act on a concern they may not see.
"""

import functools
import operator

from django.db.models import BooleanField, Case, F, Func, Q, Subquery, Value, When

from liaison.models import Station, StationMembership, Village
from petitions.models import Category, ExtensionStatus, Petition

# No petition / every petition. Django drops them from the SQL (an empty ``IN ()`` never
# reaches the database, its negation is no condition at all), also inside ``When``.
NOBODY = Q(pk__in=[])
EVERYONE = ~NOBODY


def _any(*qs: Q) -> Q:
    """Any of ``qs``. NOBODY and EVERYONE stay themselves (``judge`` needs no SQL for them)."""
    terms = [q for q in qs if q is not NOBODY]
    if any(q is EVERYONE for q in terms):
        return EVERYONE
    return functools.reduce(operator.or_, terms) if terms else NOBODY


def _all(*qs: Q) -> Q:
    """All of ``qs``. NOBODY and EVERYONE stay themselves."""
    terms = [q for q in qs if q is not EVERYONE]
    if any(q is NOBODY for q in terms):
        return NOBODY
    return functools.reduce(operator.and_, terms) if terms else EVERYONE


class _InList(Func):
    """``column IN (subquery)``, never unknown (a NULL column is not in it, and it is in the
    negation). On PostgreSQL it is written ``column = ANY(ARRAY(subquery))``: the short list
    (a town's stations, a station's members) is computed once, and the column's index can
    serve it beside another condition (``town_id = t OR station_id = ANY(…)`` is two index
    scans, where ``IN (subquery)`` inside an OR reads the whole table; issue #12)."""

    output_field = BooleanField()
    arity = 2

    def __init__(self, column: str, queryset):
        super().__init__(F(column), Subquery(queryset.order_by()))

    # "AND column IS NOT NULL" makes a NULL column false, not unknown, so that the negation
    # holds for it (as Django's own ``~Q(column__in=…)``); unlike COALESCE, it leaves the
    # first condition where an index can serve it.
    def as_sql(self, compiler, connection, **extra_context):
        column, list_sql, params = self._parts(compiler)
        return f"({column} IN {list_sql} AND {column} IS NOT NULL)", params

    def as_postgresql(self, compiler, connection, **extra_context):
        column, list_sql, params = self._parts(compiler)
        return f"({column} = ANY(ARRAY{list_sql}) AND {column} IS NOT NULL)", params

    def _parts(self, compiler):
        column, column_params = compiler.compile(self.source_expressions[0])
        list_sql, list_params = compiler.compile(self.source_expressions[1])
        if not list_sql.startswith("("):
            list_sql = f"({list_sql})"
        return column, list_sql, [*column_params, *list_params]


def _in(column: str, queryset) -> Q:
    return Q(_InList(column, queryset))


def _accusation() -> Q:
    """A confidential concern (检举控告; 信访工作条例 Art. 30)."""
    return _in("category_id", Category.objects.filter(is_accusation=True).values("pk"))


# --- areas: where a concern belongs, for each role (NOBODY without the role) ---------------


def _county(roles) -> Q:
    return EVERYONE if roles.county else NOBODY


def _town_area(roles) -> Q:
    """The concerns of a town: classified to it, or received at one of its stations."""
    if roles.town_id is None:
        return NOBODY
    stations = Station.objects.filter(town_id=roles.town_id).values("pk")
    return Q(town_id=roles.town_id) | _in("station_id", stations)


def _station_area(roles) -> Q:
    """The concerns of a station: received there, or addressed to one of its
    representatives wherever they came in (station staff follow up their members' work)."""
    if roles.station_id is None:
        return NOBODY
    members = StationMembership.objects.filter(station_id=roles.station_id)
    return Q(station_id=roles.station_id) | _in(
        "representative_id", members.values("representative_id")
    )


def _representative_area(roles) -> Q:
    """Addressed to the representative, received at one of their stations, or from a village
    of a grid they look after (网格: offered to the grid's representatives)."""
    if roles.representative_id is None:
        return NOBODY
    q = Q(representative_id=roles.representative_id)
    if roles.rep_station_ids:
        q |= Q(station_id__in=roles.rep_station_ids)
    if roles.grid_village_ids:
        q |= Q(village_id__in=roles.grid_village_ids)
    return q


def _legal_area(roles) -> Q:
    """A legal worker's: the concerns received at their station's legal-service room, or, at
    the county petition hall, those that came in there."""
    if not roles.legal_worker:
        return NOBODY
    if roles.legal_station_id is not None:
        return Q(station_id=roles.legal_station_id)
    return Q(channel=Petition.Channel.PETITION_HALL)


def _work_area(roles) -> Q:
    """Where the user works as town or station staff or as a representative."""
    return _any(_town_area(roles), _station_area(roles), _representative_area(roles))


def _unit_area(roles) -> Q:
    return Q(unit_id__in=roles.unit_ids) if roles.unit_ids else NOBODY


def _accused(roles) -> Q:
    """The concerns that accuse one of the user's units, or the user as a representative
    (perhaps sent through that very representative's QR code)."""
    return _any(
        Q(accused_unit_id__in=roles.unit_ids) if roles.unit_ids else NOBODY,
        Q(accused_representative_id=roles.representative_id)
        if roles.representative_id is not None
        else NOBODY,
    )


def accusing(roles) -> Q:
    """The concerns that accuse these roles (NOBODY for roles no accusation can name): for
    lists of records about concerns that skip ``may_see`` for county staff, who may also
    be a unit's member or a representative."""
    return _accused(roles)


# --- seeing -------------------------------------------------------------------------------


def may_see(roles) -> Q:
    """The concerns these roles may see: listed, opened, and the only ones acted on."""
    if roles.county:
        scope = EVERYONE
    else:
        # An accusation is confidential (信访工作条例 Art. 30): county staff see it, and the
        # unit they deliberately assign it to.
        scope = _all(
            _any(_work_area(roles), _unit_area(roles), _legal_area(roles)),
            _any(~_accusation(), _unit_area(roles)),
        )
    # Never the unit or the representative it accuses, whatever else would let them see it.
    accused = _accused(roles)
    return scope if accused is NOBODY else _all(scope, ~accused)


# --- acting: each action's ``who`` in workflow.ACTIONS ---------------------------------------
# Who, among those who may see a concern, may take an action: nobody acts on a concern they
# may not see, so ``may`` (a filter) and ``judge`` (one concern) always add ``may_see``.


def collector(roles) -> Q:
    """Staff whose area holds the concern, or its representative: they collect, decline,
    follow up, reply and record the rating. An accusation only county staff triage."""
    return _any(_county(roles), _all(_work_area(roles), ~_accusation()))


def congress_staff(roles) -> Q:
    """County staff, or town congress staff of the concern's town (not station staff)."""
    return _any(_county(roles), _all(_town_area(roles), ~_accusation()))


def assigner(roles) -> Q:
    """分级交办: town-level concerns are assigned by the town congress, county-level ones by
    the county standing committee."""
    town_level = (
        Q(level=Petition.Level.TOWN, town_id=roles.town_id) if roles.town_id is not None else NOBODY
    )
    return _any(_county(roles), _all(town_level, ~_accusation()))


def extension_asker(roles) -> Q:
    """The unit, while it has not asked for more time: once only (信访工作条例 Art. 34)."""
    return _all(_unit_area(roles), Q(extension_status=ExtensionStatus.NONE))


def extension_answerer(roles) -> Q:
    """County staff, while a unit's request for more time waits for their answer."""
    return _all(_county(roles), Q(extension_status=ExtensionStatus.REQUESTED))


def escalator(roles) -> Q:
    """督办 of a red card (催办, 约谈, 通报): whoever assigns the concern (the county, or the
    town congress for its town-level concerns), once its deadline has passed."""
    return _all(assigner(roles), Q(warning=Petition.Warning.RED))


def flagger(roles) -> Q:
    """挂牌督办: as ``escalator``, once per concern."""
    return _all(escalator(roles), Q(is_flagged=False))


def legal_adviser(roles) -> Q:
    """A legal worker, on the concerns where they serve (never an accusation: ``may_see``)."""
    return _legal_area(roles)


def _from_grid() -> Q:
    """From a village or community of an active grid (网格)."""
    return _in("village_id", Village.objects.filter(grids__is_active=True).values("pk"))


def micro_marker(roles) -> Q:
    """微实事: the grid's representatives, or county and town congress staff, on a concern
    from a village of an active grid (never an accusation: ``congress_staff`` and
    ``may_see``)."""
    grid_rep = Q(village_id__in=roles.grid_village_ids) if roles.grid_village_ids else NOBODY
    return _all(_any(congress_staff(roles), grid_rep), _from_grid())


def unit(roles) -> Q:
    """The unit the concern is assigned to (never the unit it accuses: ``may_see`` hides an
    accusation from the unit it accuses, whoever it is assigned to)."""
    return _unit_area(roles)


def unit_or_county(roles) -> Q:
    """The unit, or county staff recording a unit's paper reply."""
    return _any(_unit_area(roles), _county(roles))


def may(roles, who) -> Q:
    """The concerns on which these roles may take the action whose rule is ``who``."""
    return _all(may_see(roles), who(roles))


# --- one concern ----------------------------------------------------------------------------


def judge(roles, petition_pk, actions: dict) -> dict[str, bool]:
    """For one concern, in one query: whether these roles may see it (``"see"``) and may take
    each of ``actions`` (name → ``who``), judged on its row as it is in the database now (a
    transition judges inside its own transaction)."""
    verdict = dict.fromkeys(["see", *actions], False)
    see = may_see(roles)
    if petition_pk is None or see is NOBODY:
        return verdict
    # Several actions share a rule (collect, reject, reply… are all the collector's): one
    # column per rule, and none for a rule that is nobody or everyone.
    rule = {who: who(roles) for who in actions.values()}
    column = {
        who: f"may_{i}"
        for i, (who, q) in enumerate(rule.items())
        if q is not NOBODY and q is not EVERYONE
    }
    annotations = {
        column[who]: Case(
            When(rule[who], then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        for who in column
    }
    # Seeing filters the row (absent: may not see, so may do nothing).
    rows = list(Petition.objects.filter(see, pk=petition_pk).order_by().values("pk", **annotations))
    if rows:
        verdict["see"] = True
        for name, who in actions.items():
            verdict[name] = rule[who] is EVERYONE or bool(who in column and rows[0][column[who]])
    return verdict


# --- outreach visits and concern-less receptions (rows that are not concerns) ----------------


def visit_scope(roles) -> Q:
    """The visits (a ``Q`` over ``Visit``) these roles may see, scoped like the concerns:
    county staff all; town staff their town's; station staff their members'; a
    representative their own."""
    if roles.county:
        return EVERYONE
    members = StationMembership.objects.filter(station_id=roles.station_id)
    return _any(
        Q(town_id=roles.town_id) if roles.town_id is not None else NOBODY,
        _in("representative_id", members.values("representative_id"))
        if roles.station_id is not None
        else NOBODY,
        Q(representative_id=roles.representative_id)
        if roles.representative_id is not None
        else NOBODY,
    )


def reception_scope(roles) -> Q:
    """Receptions without a concern (a ``Q`` over ``Reception``): by their station, as the
    concerns received there; one with a concern is seen with its concern (``may_see``)."""
    if roles.county:
        return EVERYONE
    return _any(
        Q(station__town_id=roles.town_id) if roles.town_id is not None else NOBODY,
        Q(station_id=roles.station_id) if roles.station_id is not None else NOBODY,
        Q(representative_id=roles.representative_id)
        if roles.representative_id is not None
        else NOBODY,
    )
