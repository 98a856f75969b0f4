"""Rows of the five links (五联系机制) for the liaison package's tests."""

from dataclasses import dataclass
from datetime import date

from liaison import links
from liaison.models import Leader, Link, LinkKind, ProfessionalGroup, Station, WorkingCommittee
from tests.base import make_representative, make_user, make_world


def five_links_rows(*, town, actor):
    """One of each: a leader, a committee, a group, a link with a contact (and audit rows)."""
    leader = Leader.objects.create(name="样板主任", post=Leader.Post.DIRECTOR)
    WorkingCommittee.objects.create(name="样板工委").members.add(leader)
    ProfessionalGroup.objects.create(name="样板小组", sector=Station.Sector.HEALTH)
    link = links.link_create(
        kind=LinkKind.DIRECTOR_TOWN,
        from_leader=leader,
        to_town=town,
        started_on=date(2026, 1, 1),
        actor=actor,
    )
    links.contact_log(link=link, date=date(2026, 1, 2), way="visit", content="座谈", actor=actor)
    return link


@dataclass
class Links:
    world: object
    director: Leader  # has a user account: director_user
    director_user: object
    vice: Leader
    member: Leader
    member_b: Leader
    committee: WorkingCommittee
    group: ProfessionalGroup
    town_link: Link  # director ↔ town A
    member_link: Link  # director ↔ member
    rep_link: Link  # member ↔ rep A
    group_link: Link  # committee ↔ group


def make_links(on=date(2026, 1, 5)) -> Links:
    """The world, a small leadership and one link of each of the first four kinds:
    town B, member B, rep B are left unlinked."""
    world = make_world()
    director_user = make_user("director")
    director = Leader.objects.create(name="周主任", post=Leader.Post.DIRECTOR, user=director_user)
    vice = Leader.objects.create(name="吴副主任", post=Leader.Post.VICE_DIRECTOR, order=1)
    member = Leader.objects.create(name="郑委员", post=Leader.Post.MEMBER, order=5)
    member_b = Leader.objects.create(name="王委员", post=Leader.Post.MEMBER, order=6)
    committee = WorkingCommittee.objects.create(name="农业农村工作委员会")
    committee.members.add(vice)
    group = ProfessionalGroup.objects.create(name="农业农村专业小组", sector="agriculture")
    group.representatives.add(world.rep_a)
    actor = world.county
    make = links.link_create
    return Links(
        world=world,
        director=director,
        director_user=director_user,
        vice=vice,
        member=member,
        member_b=member_b,
        committee=committee,
        group=group,
        town_link=make(
            kind=LinkKind.DIRECTOR_TOWN,
            from_leader=director,
            to_town=world.town_a,
            started_on=on,
            actor=actor,
        ),
        member_link=make(
            kind=LinkKind.DIRECTOR_MEMBER,
            from_leader=director,
            to_leader=member,
            started_on=on,
            actor=actor,
        ),
        rep_link=make(
            kind=LinkKind.MEMBER_REPRESENTATIVE,
            from_leader=member,
            to_representative=world.rep_a,
            started_on=on,
            actor=actor,
        ),
        group_link=make(
            kind=LinkKind.COMMITTEE_GROUP,
            from_committee=committee,
            to_group=group,
            started_on=on,
            actor=actor,
        ),
    )


def many_links(fx: Links, count: int) -> None:
    """``count`` more member ↔ representative links, each with a contact."""
    for _ in range(count):
        rep = make_representative(station=fx.world.station_a)
        link = links.link_create(
            kind=LinkKind.MEMBER_REPRESENTATIVE,
            from_leader=fx.member_b,
            to_representative=rep,
            started_on=date(2026, 1, 5),
            actor=fx.world.county,
        )
        links.contact_log(
            link=link, date=date(2026, 2, 1), way="visit", content="走访", actor=fx.world.county
        )
