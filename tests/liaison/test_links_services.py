"""The five links' rules (liaison/links.py): making and ending links, logging contacts,
their audit rows and errors, and the quarter's coverage recomputed by hand."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from liaison import links
from liaison.models import (
    ContactLog,
    Grid,
    Link,
    LinkAudit,
    LinkKind,
    ProfessionalGroup,
    Representative,
)
from tests.base import make_representative, make_station
from tests.liaison.links_helpers import make_links

pytestmark = pytest.mark.django_db


def _error(call, **kwargs) -> str:
    with translation.override("zh-hans"), pytest.raises(links.LinkError) as caught:
        call(**kwargs)
    return caught.value.message


def test_it_audits_a_new_link():
    fx = make_links()
    audit = LinkAudit.objects.get(link=fx.town_link)
    assert audit.action == LinkAudit.Action.CREATED
    assert audit.actor == fx.world.county


def test_it_refuses_links_the_seed_does_not_know(settings):
    fx = make_links()
    w = fx.world
    on = date(2026, 1, 5)
    kw = {"kind": LinkKind.DIRECTOR_TOWN, "started_on": on, "actor": w.county}
    # A standing committee member is not of the chairpersons' meeting.
    assert "主任会议成员" in _error(
        links.link_create, from_leader=fx.member, to_town=w.town_b, **kw
    )
    # The same pair twice.
    assert "已建立联系" in _error(
        links.link_create, from_leader=fx.director, to_town=w.town_a, **kw
    )
    # Missing an end.
    assert "两端" in _error(links.link_create, from_leader=fx.director, **kw)
    # In the future.
    kw["started_on"] = timezone.localdate() + timedelta(days=1)
    assert "晚于今天" in _error(links.link_create, from_leader=fx.vice, to_town=w.town_b, **kw)
    # A member ↔ member link needs a member at the other end.
    assert "常委会委员" in _error(
        links.link_create,
        kind=LinkKind.DIRECTOR_MEMBER,
        from_leader=fx.director,
        to_leader=fx.vice,
        started_on=on,
        actor=w.county,
    )
    assert Link.objects.count() == 4


def test_it_ends_a_link_once_and_keeps_its_log():
    fx = make_links()
    links.contact_log(
        link=fx.town_link, date=date(2026, 2, 1), way="visit", content="走访", actor=fx.world.county
    )
    assert links.link_end(link=fx.town_link, ended_on=date(2026, 3, 1), actor=fx.world.county)
    assert not links.link_end(link=fx.town_link, ended_on=date(2026, 3, 2), actor=fx.world.county)
    fx.town_link.refresh_from_db()
    assert fx.town_link.ended_on == date(2026, 3, 1)
    assert fx.town_link.contacts.count() == 1
    assert LinkAudit.objects.filter(link=fx.town_link, action="ended").count() == 1
    # No contact after its end.
    assert "已结束" in _error(
        links.contact_log,
        link=fx.town_link,
        date=date(2026, 3, 5),
        way="visit",
        content="走访",
        actor=fx.world.county,
    )


def test_it_refuses_an_end_before_the_start():
    fx = make_links()
    assert "早于" in _error(
        links.link_end, link=fx.town_link, ended_on=date(2026, 1, 1), actor=fx.world.county
    )


def test_it_logs_a_contact_with_its_audit_row():
    fx = make_links()
    contact = links.contact_log(
        link=fx.rep_link,
        date=date(2026, 2, 3),
        way="phone",
        content="  电话了解代表履职情况  ",
        follow_up="下月走访",
        actor=fx.director_user,
    )
    assert contact.content == "电话了解代表履职情况"
    audit = LinkAudit.objects.get(contact=contact)
    assert (audit.action, audit.actor, audit.link) == ("contact", fx.director_user, fx.rep_link)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"date": "future"}, "晚于今天"),
        ({"date": date(2026, 1, 1)}, "早于建立联系"),
        ({"way": "fax"}, "联系方式"),
        ({"content": "   "}, "联系内容"),
        ({"content": "长" * 2001}, "过长"),
    ],
)
def test_it_refuses_a_bad_contact_and_saves_nothing(changes, message):
    fx = make_links()
    kwargs = {"link": fx.rep_link, "date": date(2026, 2, 3), "way": "visit", "content": "走访"}
    kwargs.update(changes)
    if kwargs["date"] == "future":
        kwargs["date"] = timezone.localdate() + timedelta(days=1)
    assert message in _error(links.contact_log, actor=fx.world.county, **kwargs)
    assert not ContactLog.objects.exists()
    assert not LinkAudit.objects.filter(action="contact").exists()


def test_a_representatives_first_contact_with_the_people_makes_their_anchor_link_once():
    fx = make_links()
    rep, user = fx.world.rep_a, fx.world.rep_a_user
    kw = {"representative": rep, "way": "symposium", "follow_up": "", "actor": user}
    links.people_contact_log(date=date(2026, 3, 1), content="院坝会", **kw)
    # An earlier contact logged afterwards is fine: their tie to the people is older.
    links.people_contact_log(date=date(2026, 2, 1), content="走访农户", **kw)
    anchor = Link.objects.get(kind=LinkKind.REPRESENTATIVE_PEOPLE)
    assert anchor.from_representative == rep
    assert anchor.contacts.count() == 2


def test_coverage_counts_what_a_hand_count_finds():
    """The fixture by hand, for the first quarter of 2026:
    1. towns: A linked, B not → [乙镇's name];
    2. members: 郑委员 linked, 王委员 not;
    3. county representatives: rep A linked; rep B and an extra one not;
    4. group representatives: rep A's group is linked → none; a second group unlinked → its rep;
    5. representatives with no station and no grid: the extra one, until given a grid.
    Contacts: the town link had one in the quarter; the other three had none."""
    fx = make_links()
    w = fx.world
    loner = make_representative(name="孤代表")
    other = ProfessionalGroup.objects.create(name="卫生健康专业小组", sector="health")
    other.representatives.add(w.rep_b)
    links.contact_log(
        link=fx.town_link, date=date(2026, 2, 1), way="visit", content="走访", actor=w.county
    )
    # A contact of the last quarter does not count for this one.
    links.contact_log(
        link=fx.rep_link, date=date(2026, 1, 5), way="visit", content="走访", actor=w.county
    )
    links.people_contact_log(
        representative=w.rep_a,
        date=date(2026, 2, 2),
        way="visit",
        content="走访",
        follow_up="",
        actor=w.rep_a_user,
    )
    result = {k.kind: k for k in links.coverage(year=2026, quarter=1)}
    assert result["director_town"].unlinked == [w.town_b.name]
    assert result["director_member"].unlinked == ["王委员"]
    assert sorted(result["member_representative"].unlinked) == sorted([w.rep_b.name, "孤代表"])
    assert result["committee_group"].unlinked == [w.rep_b.name]
    assert result["representative_people"].unlinked == ["孤代表"]
    quiet = {kind: [row["link"] for row in k.not_contacted] for kind, k in result.items()}
    assert quiet["director_town"] == []
    assert quiet["director_member"] == [fx.member_link]
    assert quiet["member_representative"] == []  # 2026-01-05 is in the first quarter
    assert quiet["committee_group"] == [fx.group_link]
    # The fifth kind: rep B sits at a station and logged nothing; rep A did.
    assert [row["from"] for row in result["representative_people"].not_contacted] == [w.rep_b]

    second = {k.kind: k for k in links.coverage(year=2026, quarter=2)}
    assert len(second["member_representative"].not_contacted) == 1
    assert second["member_representative"].not_contacted[0]["last"] == date(2026, 1, 5)

    grid = Grid.objects.create(town=w.town_a, name="一网格")
    grid.representatives.add(loner)
    result = {k.kind: k for k in links.coverage(year=2026, quarter=1)}
    assert result["representative_people"].unlinked == []


def test_town_staff_see_the_coverage_of_their_town_only():
    fx = make_links()
    kinds = {k.kind: k for k in links.coverage(year=2026, quarter=1, user=fx.world.town_staff_b)}
    assert set(kinds) == {"director_town", "member_representative", "representative_people"}
    assert kinds["director_town"].unlinked == [fx.world.town_b.name]
    assert kinds["member_representative"].unlinked == [fx.world.rep_b.name]
    assert kinds["member_representative"].not_contacted == []  # rep A's link is town A's


@pytest.mark.parametrize("rows", [1, 50])
def test_coverage_runs_in_constant_queries(django_assert_num_queries, rows):
    fx = make_links()
    station = make_station(town=fx.world.town_a)
    for _ in range(rows):
        rep = make_representative(station=station)
        links.link_create(
            kind=LinkKind.MEMBER_REPRESENTATIVE,
            from_leader=fx.member_b,
            to_representative=rep,
            started_on=date(2026, 1, 5),
            actor=fx.world.county,
        )
        make_representative()
    assert Representative.objects.count() > rows
    with django_assert_num_queries(7):
        links.coverage(year=2026, quarter=1)
