"""Rows of the five links (五联系机制) for the liaison package's tests."""

from datetime import date

from liaison import links
from liaison.models import Leader, LinkKind, ProfessionalGroup, Station, WorkingCommittee


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
