"""The five links' pages (liaison/views/links.py): staff's list, a link's log, the coverage,
a leader's own links, a representative's contacts with the people, the public page."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison import links
from liaison.models import ContactLog, Leader, Link, LinkAudit, LinkKind
from points.models import PointEntry
from tests.base import make_representative, make_user
from tests.helpers import admin_url, page_text
from tests.liaison.links_helpers import make_links, many_links

pytestmark = pytest.mark.django_db

LIST = reverse("liaison:staff_links")
COVERAGE = reverse("liaison:staff_links_coverage")
MINE = reverse("liaison:my_links")
CONTACTS = reverse("liaison:my_contacts")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _detail(link):
    return reverse("liaison:staff_link_detail", args=[link.pk])


def _as(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def fx():
    return make_links()


def _contact(**extra):
    return {"date": "2026-03-02", "way": "visit", "content": "走访了解情况", **extra}


# --- who may open what -----------------------------------------------------------------------


def test_county_staff_see_every_link_with_its_last_contact(client, fx):
    links.contact_log(
        link=fx.rep_link, date=date(2026, 2, 9), way="phone", content="电话", actor=fx.world.county
    )
    response = _as(client, fx.world.county).get(LIST)
    assert response.status_code == 200
    text = page_text(response)
    for name in ("甲镇", "郑委员", "甲代表", "农业农村专业小组", "2026-02-09"):
        assert name in text
    assert len(response.context["page"].object_list) == 4


def test_town_staff_see_only_their_towns_links(client, fx):
    shown = _as(client, fx.world.town_staff_a).get(LIST).context["page"].object_list
    assert {link.pk for link in shown} == {fx.town_link.pk, fx.rep_link.pk}
    client.logout()
    shown = _as(client, fx.world.town_staff_b).get(LIST).context["page"].object_list
    assert list(shown) == []
    assert client.get(_detail(fx.town_link)).status_code == 404
    assert client.get(_detail(fx.member_link)).status_code == 404


def test_station_staff_see_their_stations_representatives_links(client, fx):
    shown = _as(client, fx.world.station_staff_a).get(LIST).context["page"].object_list
    assert [link.pk for link in shown] == [fx.rep_link.pk]


@pytest.mark.parametrize("url", [LIST, COVERAGE])
def test_representatives_and_strangers_get_404_on_staff_pages(client, fx, url):
    assert _as(client, fx.world.rep_a_user).get(url).status_code == 404
    assert client.get(_detail(fx.rep_link)).status_code == 404
    client.logout()
    assert _as(client, make_user()).get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, fx):
    for url in (LIST, COVERAGE, _detail(fx.town_link), MINE, CONTACTS):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_a_hostile_id_is_404(client, fx):
    _as(client, fx.world.county)
    assert client.get(reverse("liaison:staff_link_detail", args=[999999])).status_code == 404


# --- logging a contact ----------------------------------------------------------------------


def test_county_staff_log_a_contact_on_a_link(client, fx):
    response = _as(client, fx.world.county).post(_detail(fx.member_link), _contact())
    assert response.status_code == 302
    contact = ContactLog.objects.get(link=fx.member_link)
    assert contact.logged_by == fx.world.county
    assert LinkAudit.objects.filter(contact=contact).exists()
    assert "走访了解情况" in page_text(client.get(_detail(fx.member_link)))


def test_town_staff_read_a_link_but_may_not_log_on_it(client, fx):
    _as(client, fx.world.town_staff_a)
    response = client.get(_detail(fx.town_link))
    assert response.status_code == 200 and response.context["form"] is None
    assert client.post(_detail(fx.town_link), _contact()).status_code == 404
    assert not ContactLog.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"date": "2026-01-01"}, "不能早于建立联系的日期"),
        ({"date": "tomorrow"}, "不能晚于今天"),
        ({"content": ""}, "这个字段是必填项"),
        ({"way": "fax"}, "选择一个有效的选项"),
        ({"date": "not a date"}, "输入一个有效的日期"),
    ],
)
def test_a_bad_contact_is_refused_in_chinese_and_nothing_is_saved(client, fx, data, message):
    if data.get("date") == "tomorrow":
        data["date"] = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = _as(client, fx.world.county).post(_detail(fx.rep_link), _contact(**data))
    assert response.status_code == 400
    assert message in page_text(response)
    assert not ContactLog.objects.exists()


# --- the coverage page ----------------------------------------------------------------------


def test_the_coverage_page_shows_the_gaps_of_the_chosen_quarter(client, fx):
    response = _as(client, fx.world.county).get(COVERAGE, {"year": 2026, "quarter": 1})
    assert response.status_code == 200
    text = page_text(response)
    assert "2026-01-01" in text and "2026-03-31" in text
    assert "乙镇" in text  # no chairpersons' meeting member
    assert "王委员" in text  # no director linked
    assert "从未联系" in text


def test_a_bad_quarter_shows_this_quarter(client, fx):
    response = _as(client, fx.world.county).get(COVERAGE, {"year": "x", "quarter": 9})
    assert response.status_code == 200
    assert "季度无效" in page_text(response)


# --- a leader's own links -------------------------------------------------------------------


def test_a_leader_sees_only_their_own_links_and_logs_a_contact(client, fx):
    response = _as(client, fx.director_user).get(MINE)
    assert response.status_code == 200
    shown = {link.pk for link in response.context["page"].object_list}
    assert shown == {fx.town_link.pk, fx.member_link.pk}
    response = client.post(MINE, {"link": fx.town_link.pk, **_contact()})
    assert response.status_code == 302
    assert ContactLog.objects.get().logged_by == fx.director_user


def test_a_leader_may_not_log_on_someone_elses_link(client, fx):
    response = _as(client, fx.director_user).post(MINE, {"link": fx.rep_link.pk, **_contact()})
    assert response.status_code == 400
    assert "选择一个有效的选项" in page_text(response)
    assert not ContactLog.objects.exists()


def test_the_leaders_page_is_404_for_anyone_else(client, fx):
    assert _as(client, fx.world.rep_a_user).get(MINE).status_code == 404
    client.logout()
    assert _as(client, fx.world.county).get(MINE).status_code == 404


def test_my_page_links_a_leader_to_their_links(client, fx):
    fx.director.representative = make_representative(user=fx.director_user)
    fx.director.save()
    assert MINE in _as(client, fx.director_user).get(reverse("liaison:my_page")).content.decode()


# --- a representative's contacts with the people --------------------------------------------


def test_a_representative_logs_a_contact_with_the_people_and_earns_points(client, fx):
    _as(client, fx.world.rep_a_user)
    response = client.post(CONTACTS, _contact(way="symposium", content="院坝会"))
    assert response.status_code == 302
    contact = ContactLog.objects.get()
    assert contact.link.kind == LinkKind.REPRESENTATIVE_PEOPLE
    assert contact.link.from_representative == fx.world.rep_a
    entry = PointEntry.objects.get(source=PointEntry.Source.CONTACT)
    assert (entry.source_id, entry.representative) == (contact.pk, fx.world.rep_a)
    assert "院坝会" in page_text(client.get(CONTACTS))


def test_a_bad_contact_with_the_people_is_refused(client, fx):
    response = _as(client, fx.world.rep_a_user).post(CONTACTS, _contact(content=" "))
    assert response.status_code == 400
    assert "必填" in page_text(response) or "联系内容" in page_text(response)
    assert (
        not ContactLog.objects.exists()
        and not Link.objects.filter(kind="representative_people").exists()
    )


def test_the_contacts_page_is_404_for_a_non_representative(client, fx):
    assert _as(client, fx.world.county).get(CONTACTS).status_code == 404


def test_a_representative_sees_only_their_own_contacts(client, fx):
    links.people_contact_log(
        representative=fx.world.rep_b,
        date=date(2026, 3, 1),
        way="visit",
        content="乙代表的走访",
        follow_up="",
        actor=fx.world.rep_b_user,
    )
    assert "乙代表的走访" not in page_text(_as(client, fx.world.rep_a_user).get(CONTACTS))


def test_the_task_list_links_to_the_contacts_page(client, fx):
    html = _as(client, fx.world.rep_a_user).get(reverse("petitions:my_tasks")).content.decode()
    assert CONTACTS in html


# --- the public page ------------------------------------------------------------------------


def test_the_public_page_lists_the_linked_leaders_and_no_phone(client, fx):
    fx.member.representative = make_representative(mobile="13912345678")
    fx.member.save()
    fx.world.rep_a.mobile = "13800001111"
    fx.world.rep_a.save()
    response = client.get(fx.world.rep_a.get_absolute_url())
    text = page_text(response)
    assert "郑委员" in text and "常委会委员" in text
    assert "农业农村专业小组" in text and "农业农村工作委员会" in text
    assert not MOBILE.search(response.content.decode())


def test_the_public_page_forgets_an_ended_link(client, fx):
    url = fx.world.rep_a.get_absolute_url()
    assert "郑委员" in page_text(client.get(url))
    links.link_end(link=fx.rep_link, ended_on=date(2026, 6, 1), actor=fx.world.county)
    assert "郑委员" not in page_text(client.get(url))


# --- the administration ---------------------------------------------------------------------


def test_the_admin_index_links_staff_to_the_pages(client, fx):
    html = _as(client, fx.world.town_staff_a).get(reverse("admin:index")).content.decode()
    assert LIST in html and COVERAGE in html


def test_county_staff_make_a_link_in_the_admin_through_the_service(client, fx):
    superuser = make_user(superuser=True)
    _as(client, superuser)
    data = {
        "kind": LinkKind.DIRECTOR_TOWN,
        "from_leader": fx.vice.pk,
        "to_town": fx.world.town_b.pk,
        "started_on": "2026-02-01",
    }
    response = client.post(admin_url("liaison.Link", "add"), data)
    assert response.status_code == 302, page_text(response)
    link = Link.objects.get(to_town=fx.world.town_b)
    assert LinkAudit.objects.filter(link=link, action="created", actor=superuser).exists()
    # A member cannot hold it: refused on the form.
    data.update(from_leader=fx.member.pk, to_town=fx.world.town_a.pk)
    response = client.post(admin_url("liaison.Link", "add"), data)
    assert response.status_code == 200
    assert "主任会议成员" in page_text(response)


def test_town_staff_cannot_open_the_links_admin(client, fx):
    user = fx.world.town_staff_a
    user.user_permissions.add(*Permission.objects.filter(codename__endswith="_link"))
    assert _as(client, user).get(admin_url("liaison.Link", "changelist")).status_code == 403


# --- constant queries -----------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_every_list_runs_in_constant_queries(client, fx):
    """1 row, then 50 rows: the same number of queries on each page."""
    rep_user = fx.world.rep_a_user
    many_links(fx, 1)
    fx.member_b.user = make_user()
    fx.member_b.save()
    links.people_contact_log(
        representative=fx.world.rep_a,
        date=date(2026, 3, 1),
        way="visit",
        content="走访",
        follow_up="",
        actor=rep_user,
    )
    links.contact_log(
        link=fx.rep_link, date=date(2026, 2, 1), way="visit", content="走访", actor=fx.world.county
    )
    pages = [
        (fx.world.county, LIST),
        (fx.world.county, COVERAGE + "?year=2026&quarter=1"),
        (fx.world.county, _detail(fx.rep_link)),
        (fx.world.town_staff_a, LIST),
        (fx.member_b.user, MINE),
        (rep_user, CONTACTS),
    ]

    def counts():
        result = []
        for user, url in pages:
            client.force_login(user)
            _count(client, url)  # warm: the session, the translations
            result.append(_count(client, url))
        return result

    one = counts()
    many_links(fx, 49)
    for n in range(48):
        links.contact_log(
            link=fx.rep_link,
            date=date(2026, 2, 1),
            way="visit",
            content=f"第{n}次",
            actor=fx.world.county,
        )
        links.people_contact_log(
            representative=fx.world.rep_a,
            date=date(2026, 3, 1),
            way="visit",
            content=f"第{n}次",
            follow_up="",
            actor=rep_user,
        )
    assert Leader.objects.get(pk=fx.member_b.pk).links_from.count() == 50
    assert counts() == one


def test_a_leader_who_is_not_a_representative_lands_on_their_links(client, fx):
    # Signing in leads to "My page" for anyone with no other role; a leader's is their links.
    response = _as(client, fx.director_user).get(reverse("liaison:my_page"))
    assert response.status_code == 302
    assert response.url == reverse("liaison:my_links")
