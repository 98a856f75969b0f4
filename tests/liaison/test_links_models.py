"""The five links' invariants the database holds (liaison/models/links.py)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from liaison.models import ContactLog, Leader, Link, LinkAudit, LinkKind
from tests.liaison.links_helpers import make_links

pytestmark = pytest.mark.django_db
ON = date(2026, 1, 5)


def _refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Link.objects.create(started_on=ON, **fields)


def test_it_refuses_a_link_whose_ends_are_not_its_kinds():
    fx = make_links()
    w = fx.world
    # Each kind with a wrong or missing end.
    _refused(kind=LinkKind.DIRECTOR_TOWN, from_leader=fx.vice)
    _refused(
        kind=LinkKind.DIRECTOR_TOWN, from_leader=fx.vice, to_town=w.town_b, to_leader=fx.member_b
    )
    _refused(kind=LinkKind.DIRECTOR_MEMBER, from_leader=fx.vice, to_town=w.town_b)
    _refused(kind=LinkKind.MEMBER_REPRESENTATIVE, from_leader=fx.vice, to_group=fx.group)
    _refused(kind=LinkKind.COMMITTEE_GROUP, from_leader=fx.vice, to_group=fx.group)
    _refused(kind=LinkKind.REPRESENTATIVE_PEOPLE, from_representative=w.rep_b, to_town=w.town_b)
    _refused(kind=LinkKind.REPRESENTATIVE_PEOPLE, from_leader=fx.vice)


def test_it_accepts_each_kind_with_its_own_ends():
    fx = make_links()
    w = fx.world
    Link.objects.create(
        kind=LinkKind.DIRECTOR_TOWN, from_leader=fx.vice, to_town=w.town_b, started_on=ON
    )
    Link.objects.create(
        kind=LinkKind.DIRECTOR_MEMBER, from_leader=fx.vice, to_leader=fx.member_b, started_on=ON
    )
    Link.objects.create(
        kind=LinkKind.MEMBER_REPRESENTATIVE,
        from_leader=fx.vice,
        to_representative=w.rep_b,
        started_on=ON,
    )
    Link.objects.create(
        kind=LinkKind.REPRESENTATIVE_PEOPLE, from_representative=w.rep_b, started_on=ON
    )
    assert Link.objects.count() == 8


def test_it_keeps_one_current_link_per_pair_but_allows_a_new_one_after_the_end():
    fx = make_links()
    _refused(kind=LinkKind.DIRECTOR_TOWN, from_leader=fx.director, to_town=fx.world.town_a)
    Link.objects.filter(pk=fx.town_link.pk).update(ended_on=date(2026, 2, 1))
    Link.objects.create(
        kind=LinkKind.DIRECTOR_TOWN, from_leader=fx.director, to_town=fx.world.town_a, started_on=ON
    )


def test_it_refuses_a_leader_linked_to_themselves_and_an_end_before_the_start():
    fx = make_links()
    _refused(kind=LinkKind.DIRECTOR_MEMBER, from_leader=fx.vice, to_leader=fx.vice)
    _refused(
        kind=LinkKind.DIRECTOR_TOWN,
        from_leader=fx.vice,
        to_town=fx.world.town_b,
        ended_on=date(2026, 1, 1),
    )


def test_the_chairpersons_meeting_flag_follows_the_post():
    director = Leader.objects.create(name="甲", post=Leader.Post.SECRETARY_GENERAL)
    member = Leader.objects.create(name="乙", post=Leader.Post.MEMBER)
    assert director.is_chairpersons_meeting and not member.is_chairpersons_meeting
    with pytest.raises(IntegrityError), transaction.atomic():
        Leader.objects.filter(pk=member.pk).update(is_chairpersons_meeting=True)


def test_the_contact_log_and_the_audit_rows_are_append_only():
    fx = make_links()
    contact = ContactLog.objects.create(link=fx.town_link, date=ON, way="visit", content="走访")
    audit = LinkAudit.objects.first()
    for row in (contact, audit):
        with pytest.raises(ValidationError):
            row.save()
        with pytest.raises(ValidationError):
            row.delete()
