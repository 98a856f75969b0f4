"""The people of the petition tests (STYLE.md rule 12): a citizen with a token, a
representative of station A, one of station B who must not see A's petitions, town staff,
county staff, a handling unit."""

import uuid
from dataclasses import dataclass

from liaison.models import HandlingUnit, Representative, StaffScope, Station
from petitions import services, workflow
from petitions.models import Category, Petition
from tests.base import make_representative, make_station, make_town, make_user


@dataclass
class World:
    town_a: object
    town_b: object
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


def make_world() -> World:
    town_a, town_b = make_town("甲镇"), make_town("乙镇")
    station_a = make_station(town=town_a, name="甲站")
    station_b = make_station(town=town_b, name="乙站")
    rep_a_user, rep_b_user = make_user("rep_a"), make_user("rep_b")
    rep_a = make_representative(name="甲代表", station=station_a, user=rep_a_user)
    rep_b = make_representative(name="乙代表", station=station_b, user=rep_b_user)
    county = make_user("county", staff=True)
    StaffScope.objects.create(user=county, level=StaffScope.Level.COUNTY)
    town_staff_a = make_user("town_a", staff=True)
    StaffScope.objects.create(user=town_staff_a, level=StaffScope.Level.TOWN, town=town_a)
    town_staff_b = make_user("town_b", staff=True)
    StaffScope.objects.create(user=town_staff_b, level=StaffScope.Level.TOWN, town=town_b)
    station_staff_a = make_user("station_a", staff=True)
    StaffScope.objects.create(
        user=station_staff_a, level=StaffScope.Level.STATION, station=station_a
    )
    unit = HandlingUnit.objects.create(name="交通运输局", kind=HandlingUnit.Kind.COUNTY_DEPARTMENT)
    unit_user = make_user("unit", password="pw-for-tests-1")
    unit_user.email = "unit@example.cn"
    unit_user.save(update_fields=["email"])
    unit.members.add(unit_user)
    other_unit = HandlingUnit.objects.create(
        name="水利局", kind=HandlingUnit.Kind.COUNTY_DEPARTMENT
    )
    other_unit_user = make_user("other_unit")
    other_unit.members.add(other_unit_user)
    category, _ = Category.objects.get_or_create(name="道路交通")
    accusation, _ = Category.objects.get_or_create(
        name="检举控告", defaults={"is_accusation": True}
    )
    if not accusation.is_accusation:
        accusation.is_accusation = True
        accusation.save(update_fields=["is_accusation"])
    return World(
        town_a,
        town_b,
        station_a,
        station_b,
        rep_a,
        rep_b,
        rep_a_user,
        rep_b_user,
        county,
        town_staff_a,
        town_staff_b,
        station_staff_a,
        unit,
        unit_user,
        other_unit,
        other_unit_user,
        category,
        accusation,
    )


def receive(
    world: World, *, rep=None, text="村口道路破损严重，雨天积水难以通行。", **kw
) -> tuple[Petition, str]:
    rep = rep or world.rep_a
    station = kw.pop("station", rep.memberships.first().station)
    petition, token, _ = services.petition_receive(
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
