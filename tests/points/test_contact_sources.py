"""Points from the five links' contact log (issue #11, item 4): a representative's contact
with the people earns the ``contact`` rule, traceable to the log row; the leaders' contacts
score nothing."""

from datetime import date

import pytest

from liaison import links
from points import services
from points.models import PointEntry
from tests.liaison.links_helpers import make_links

pytestmark = pytest.mark.django_db


def test_a_contact_with_the_people_moves_the_representatives_points_by_the_rule():
    fx = make_links()
    rep, user = fx.world.rep_a, fx.world.rep_a_user
    before = services.year_summary(representative=rep, year=2026)["total"]
    contact = links.people_contact_log(
        representative=rep,
        date=date(2026, 3, 2),
        way="symposium",
        content="院坝会听取群众意见",
        follow_up="",
        actor=user,
    )
    entry = PointEntry.objects.get(representative=rep, source=PointEntry.Source.CONTACT)
    assert entry.source_id == contact.pk
    assert entry.date == date(2026, 3, 2)
    assert entry.rule.code == "contact"
    assert entry.status == PointEntry.Status.APPROVED
    rule = services.rule_for("contact", 2026)
    after = services.year_summary(representative=rep, year=2026)["total"]
    assert after - before == rule.points_first


def test_the_leaders_contacts_score_nobody():
    fx = make_links()
    for link in (fx.town_link, fx.member_link, fx.rep_link, fx.group_link):
        links.contact_log(
            link=link, date=date(2026, 2, 1), way="visit", content="走访", actor=fx.world.county
        )
    assert not PointEntry.objects.filter(source=PointEntry.Source.CONTACT).exists()


def test_syncing_a_contact_twice_makes_one_entry():
    fx = make_links()
    contact = links.people_contact_log(
        representative=fx.world.rep_a,
        date=date(2026, 3, 2),
        way="phone",
        content="电话回访",
        follow_up="",
        actor=fx.world.rep_a_user,
    )
    services.contact_sync(contact=contact)
    assert PointEntry.objects.filter(source=PointEntry.Source.CONTACT).count() == 1
