"""The mediation tests' world: the shared world, a dispute concern in town A, and a legal
worker at station A and one at station B."""

from dataclasses import dataclass

from liaison.models import StaffScope
from mediation import services
from petitions.models import Category, Petition
from tests.base import World, make_staff, make_world, receive


@dataclass
class MediationWorld:
    world: World
    dispute: Category
    petition: Petition
    legal_a: object
    legal_b: object


def dispute_category() -> Category:
    """The default 矛盾纠纷 (a data migration's; made again after a browser test's flush)."""
    category, _ = Category.objects.update_or_create(name="矛盾纠纷", defaults={"is_dispute": True})
    return category


def dispute_concern(world: World, *, rep=None, town=None) -> Petition:
    """A dispute received by a representative (town A's by default)."""
    rep = rep or world.rep_a
    petition, _ = receive(
        world,
        rep=rep,
        text="邻里因宅基地边界发生纠纷，多次协商未果。",
        category=dispute_category(),
        town=town or (world.town_a if rep == world.rep_a else world.town_b),
    )
    return petition


def make_mediation_world() -> MediationWorld:
    world = make_world()
    legal = StaffScope.Level.LEGAL
    return MediationWorld(
        world=world,
        dispute=dispute_category(),
        petition=dispute_concern(world),
        legal_a=make_staff("legal_a", level=legal, station=world.station_a),
        legal_b=make_staff("legal_b", level=legal, station=world.station_b),
    )


def open_mediation(mw: MediationWorld, *, petition=None, parties=True, legal=True):
    """A mediation opened by town A's staff, with rep A (and legal worker A) mediating and two
    parties."""
    w = mw.world
    mediation = services.mediation_open(petition=petition or mw.petition, actor=w.town_staff_a)
    services.mediator_set(
        mediation=mediation,
        representatives=[w.rep_a],
        legal_worker=mw.legal_a if legal else None,
        actor=w.town_staff_a,
    )
    if parties:
        services.party_add(
            mediation=mediation, name="张三丰", role="applicant", actor=w.town_staff_a
        )
        services.party_add(
            mediation=mediation, name="李四", role="respondent", actor=w.town_staff_a
        )
    return mediation
