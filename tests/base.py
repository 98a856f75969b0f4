"""The factories and the personas every test shares (STYLE.md rule 12).

The factories make one row each, with made-up names where none is given. The personas live
in one ``World``: a citizen's concern goes to a representative of station A, whom B's
representative must not see; town staff, county staff, a handling unit and another one.
``receive`` and ``to_step`` bring a concern into the world and drive it along the workflow.
"""

import importlib
import itertools
import uuid
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from demo.logins import COUNTY_STAFF_GROUP, TOWN_STAFF_GROUP, staff_group
from demo.petitions import COUNTY_STAFF_PERMISSIONS, TOWN_STAFF_PERMISSIONS
from demo.points import COUNTY_POINTS_PERMISSIONS, TOWN_POINTS_PERMISSIONS
from liaison import services
from liaison.models import (
    HandlingUnit,
    RatingCriterion,
    RatingScore,
    Representative,
    StaffScope,
    Station,
    StationMembership,
    StationRating,
    Town,
    Village,
)
from petitions import services as petition_services
from petitions import workflow
from petitions.models import Category, Petition

_seq = itertools.count(1)


# --- places and people -------------------------------------------------------------------------


def make_town(name=None, **fields):
    return Town.objects.create(name=name or f"测试镇{next(_seq)}", **fields)


def make_village(town=None, name=None, **fields):
    return Village.objects.create(
        town=town or make_town(), name=name or f"测试村{next(_seq)}", **fields
    )


def make_station(town=None, name=None, kind=Station.Kind.COMMUNITY, **fields):
    n = next(_seq)
    if kind == Station.Kind.PROFESSIONAL:
        fields.setdefault("sector", Station.Sector.HEALTH)
    return Station.objects.create(
        name=name or f"测试联络站{n}",
        slug=fields.pop("slug", f"station-{n}"),
        kind=kind,
        town=town or make_town(),
        **fields,
    )


def make_representative(name=None, station=None, level=Representative.Level.COUNTY, **fields):
    fields.setdefault("gender", Representative.Gender.FEMALE)
    fields.setdefault("term", "第十九届")
    rep = Representative.objects.create(name=name or f"测试代表{next(_seq)}", level=level, **fields)
    if station is not None:
        StationMembership.objects.create(station=station, representative=rep, duty_hours="每月15日")
    return rep


def station_with_representatives(count: int, **station_fields) -> Station:
    station = make_station(**station_fields)
    for _ in range(count):
        make_representative(station=station)
    return station


def representative_at_stations(count: int, **rep_fields) -> Representative:
    rep = make_representative(**rep_fields)
    for index in range(count):
        station = make_station(
            town=make_town(), address=f"测试地址{index}", opening_hours="工作日 9:00–17:00"
        )
        StationMembership.objects.create(
            station=station, representative=rep, duty_hours=f"每月{index % 28 + 1}日 9:00–12:00"
        )
    return rep


def ensure_default_criteria():
    """The shipped "五个五" criteria. Transactional tests flush the database after them,
    data migrations included, so tests that need the criteria ask for them here."""
    for name in ("0002_default_rating_criteria", "0017_measured_criteria"):
        migration = importlib.import_module(f"liaison.migrations.{name}")
        migration.create_criteria(apps, None)


def make_rating(station, year=2025, fraction=1.0):
    """A rating where every active criterion scores ``fraction`` of its maximum."""
    ensure_default_criteria()
    rating = StationRating.objects.create(station=station, year=year, rated_on=date(year, 12, 1))
    for criterion in RatingCriterion.objects.filter(is_active=True):
        RatingScore.objects.create(
            rating=rating, criterion=criterion, score=round(criterion.max_score * fraction, 1)
        )
    return services.station_rating_recompute(rating=rating)


def make_user(username=None, *, staff=False, superuser=False, password="pw-for-tests-1"):
    User = get_user_model()
    username = username or f"user{next(_seq)}"
    if superuser:
        return User.objects.create_superuser(username=username, password=password)
    return User.objects.create_user(username=username, password=password, is_staff=staff)


def make_staff(username=None, *, group: Group | None = None, **scope):
    """A staff member of ``group`` (of none without it) with the staff scope ``scope`` (level,
    town, station; none without it)."""
    user = make_user(username, staff=True)
    if group is not None:
        user.groups.add(group)
    if scope:
        StaffScope.objects.create(user=user, **scope)
    return user


def make_county_staff(username=None, *, group: Group | None = None):
    return make_staff(username, group=group, level=StaffScope.Level.COUNTY)


def town_staff_group() -> Group:
    """The demo's group of town staff, with what its concerns and its points give it."""
    staff_group(TOWN_STAFF_GROUP, TOWN_STAFF_PERMISSIONS)
    return staff_group(TOWN_STAFF_GROUP, TOWN_POINTS_PERMISSIONS)


def county_staff_group() -> Group:
    """The demo's group of county staff, with what its concerns and its points give it."""
    staff_group(COUNTY_STAFF_GROUP, COUNTY_STAFF_PERMISSIONS)
    return staff_group(COUNTY_STAFF_GROUP, COUNTY_POINTS_PERMISSIONS)


def make_unit(name=None, *, member=None) -> tuple[HandlingUnit, object]:
    """A county department that handles concerns, and its one member (``member`` or new)."""
    unit = HandlingUnit.objects.create(
        name=name or f"测试局{uuid.uuid4().hex[:6]}", kind=HandlingUnit.Kind.COUNTY_DEPARTMENT
    )
    member = member or make_user()
    unit.members.add(member)
    return unit, member


# --- the world ---------------------------------------------------------------------------------


@dataclass
class World:
    """Two towns, A and B, with a station and a representative each (who log in).

    ``county``, ``town_staff_a``/``_b`` and ``station_staff_a`` have a scope and no permission:
    a test grants the one it is about. ``county_clerk`` and ``town_clerk_a`` are staff as the
    demo has them, in its county and town groups (``make_world(clerks=True)``).
    """

    town_a: Town
    town_b: Town
    station_a: Station
    station_b: Station
    rep_a: Representative
    rep_b: Representative
    rep_a_user: object
    rep_b_user: object
    county: object
    town_staff_a: object
    town_staff_b: object
    station_staff_a: object
    unit: HandlingUnit
    unit_user: object
    other_unit: HandlingUnit
    other_unit_user: object
    category: Category
    accusation: Category
    county_clerk: object = None
    town_clerk_a: object = None


def make_world(*, clerks: bool = False) -> World:
    """The world; with ``clerks``, its staff of the demo's groups as well. They are left out
    unless asked for: everyone with a scope is sent the concerns' notices, which many tests
    count."""
    town_a, town_b = make_town("甲镇"), make_town("乙镇")
    station_a = make_station(town=town_a, name="甲站")
    station_b = make_station(town=town_b, name="乙站")
    rep_a_user, rep_b_user = make_user("rep_a"), make_user("rep_b")
    rep_a = make_representative(name="甲代表", station=station_a, user=rep_a_user)
    rep_b = make_representative(name="乙代表", station=station_b, user=rep_b_user)
    town = StaffScope.Level.TOWN
    county = make_county_staff("county")
    town_staff_a = make_staff("town_a", level=town, town=town_a)
    town_staff_b = make_staff("town_b", level=town, town=town_b)
    station_staff_a = make_staff("station_a", level=StaffScope.Level.STATION, station=station_a)
    unit, unit_user = make_unit("交通运输局", member=make_user("unit"))
    unit_user.email = "unit@example.cn"
    unit_user.save(update_fields=["email"])
    other_unit, other_unit_user = make_unit("水利局", member=make_user("other_unit"))
    category, _ = Category.objects.get_or_create(name="道路交通")
    accusation, _ = Category.objects.get_or_create(
        name="检举控告", defaults={"is_accusation": True}
    )
    if not accusation.is_accusation:
        accusation.is_accusation = True
        accusation.save(update_fields=["is_accusation"])
    world = World(
        town_a=town_a,
        town_b=town_b,
        station_a=station_a,
        station_b=station_b,
        rep_a=rep_a,
        rep_b=rep_b,
        rep_a_user=rep_a_user,
        rep_b_user=rep_b_user,
        county=county,
        town_staff_a=town_staff_a,
        town_staff_b=town_staff_b,
        station_staff_a=station_staff_a,
        unit=unit,
        unit_user=unit_user,
        other_unit=other_unit,
        other_unit_user=other_unit_user,
        category=category,
        accusation=accusation,
    )
    if clerks:
        world.county_clerk = make_county_staff("county_clerk", group=county_staff_group())
        world.town_clerk_a = make_staff(
            "town_clerk_a", group=town_staff_group(), level=town, town=town_a
        )
    return world


def receive(
    world: World, *, rep=None, text="村口道路破损严重，雨天积水难以通行。", **kw
) -> tuple[Petition, str]:
    rep = rep or world.rep_a
    station = kw.pop("station", rep.memberships.first().station)
    petition, token, _ = petition_services.petition_receive(
        channel=Petition.Channel.QR,
        text=text,
        representative=rep,
        station=station,
        consent=True,
        submit_key=uuid.uuid4(),
        **kw,
    )
    return petition, token


def to_step(world: World, petition: Petition, step: str) -> Petition:
    """Drive ``petition`` to ``step`` through the workflow only."""
    path = ["received", "collected", "assigned", "supervising", "reported", "closed"]
    if step in ("rejected", "merged"):
        if step == "rejected":
            workflow.petition_reject(
                petition=petition,
                actor=world.county,
                reason="不属于人大职责",
                guidance="请向县信访局反映",
            )
        else:
            target, _ = receive(world)
            workflow.petition_merge(petition=petition, actor=world.county, into=target)
        return petition
    target = path.index(step)
    if target >= 1:
        workflow.petition_collect(
            petition=petition,
            actor=world.county,
            category=world.category,
            level=Petition.Level.COUNTY,
            town=petition.town or world.town_a,
        )
    if target >= 2:
        workflow.petition_assign(petition=petition, actor=world.county, unit=world.unit)
    if target >= 3:
        workflow.petition_accept(petition=petition, actor=world.unit_user)
    if target >= 4:
        workflow.petition_report(
            petition=petition,
            actor=world.unit_user,
            result="已修复路面。",
            outcome=Petition.Outcome.SOLVED,
        )
    if target >= 5:
        workflow.petition_survey(petition=petition, rating="satisfied")
    return petition
