"""Pages behind a login: the printable QR card sheet (staff) and a representative's own page."""

import pytest
from django.urls import reverse

from liaison import qrcodes
from liaison.models import Representative, Station, StationMembership
from tests.base import make_representative, make_station, make_town, make_user
from tests.helpers import count_substring, in_site_language, page_text, parse, tags, tr

pytestmark = pytest.mark.django_db

QR_CARDS = reverse("liaison:qr_cards")
MY_PAGE = reverse("liaison:my_page")


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(staff=True))
    return client


def _cards(response):
    """The HTML of each printed card, in order."""
    html = response.content.decode()
    return [chunk.split("</section>")[0] for chunk in html.split('<section class="qr-card">')[1:]]


# --- who may print cards ---------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_to_the_admin_login(client):
    rep = make_representative()
    response = client.get(QR_CARDS, {"representative": rep.pk})
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "next=" in response.url


def test_it_refuses_a_signed_in_user_who_is_not_staff(client):
    rep = make_representative("不该看到的代表")
    client.force_login(make_user())
    response = client.get(QR_CARDS, {"representative": rep.pk})
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "不该看到的代表" not in response.content.decode()


def test_it_refuses_a_representative_who_is_not_staff(client):
    user = make_user()
    rep = make_representative(user=user)
    client.force_login(user)
    response = client.get(QR_CARDS, {"representative": rep.pk})
    assert response.status_code == 302


def test_it_shows_staff_how_to_choose_cards_when_nothing_is_chosen(staff_client):
    response = staff_client.get(QR_CARDS)
    assert response.status_code == 200
    assert _cards(response) == []
    assert tr(
        "Choose representatives or a station in the administration, then use the action “Print QR cards”."
    ) in page_text(response)


# --- cards for chosen representatives ----------------------------------------------------------


def test_it_prints_one_card_per_chosen_active_representative(staff_client):
    station = make_station(name="卡片联络站")
    a = make_representative("卡片代表甲", station=station, level=Representative.Level.NATIONAL)
    b = make_representative("卡片代表乙", level=Representative.Level.TOWNSHIP)
    gone = make_representative("离任代表丙", station=station, is_active=False)
    make_representative("没选中的丁", station=station)

    response = staff_client.get(
        QR_CARDS + f"?representative={a.pk}&representative={b.pk}&representative={gone.pk}"
    )

    assert response.status_code == 200
    cards = _cards(response)
    assert len(cards) == 2
    assert len(response.context["cards"]) == 2
    text = page_text(response)
    assert "卡片代表甲" in text and "卡片代表乙" in text
    assert "离任代表丙" not in text and "没选中的丁" not in text
    assert {card["title"] for card in response.context["cards"]} == {"卡片代表甲", "卡片代表乙"}
    by_title = {card["title"]: card for card in response.context["cards"]}
    assert by_title["卡片代表甲"]["station_name"] == "卡片联络站"
    assert by_title["卡片代表乙"]["station_name"] == ""
    # Every card carries the slogan and its code inline, as vector graphics that print sharply.
    for card in cards:
        assert count_substring(card, "<svg") == 1
        assert tr("Scan to find your representative") in page_text(card)
    assert count_substring(response.content.decode(), "<svg") == 2


def test_it_shows_each_representatives_name_and_level_on_their_card(staff_client):
    a = make_representative("国家级代表", level=Representative.Level.NATIONAL)
    b = make_representative("乡镇级代表", level=Representative.Level.TOWNSHIP)

    response = staff_client.get(QR_CARDS, {"representative": [a.pk, b.pk]})

    expected = {
        "国家级代表": in_site_language(Representative.Level.NATIONAL.label),
        "乡镇级代表": in_site_language(Representative.Level.TOWNSHIP.label),
    }
    by_title = {card["title"]: card for card in response.context["cards"]}
    assert {title: card["subtitle"] for title, card in by_title.items()} == expected
    printed = {}
    for card_html in _cards(response):
        text = page_text(card_html)
        [name] = [n for n in expected if n in text]
        printed[name] = text
    assert set(printed) == set(expected)
    for name, level in expected.items():
        assert level in printed[name]


def test_it_prints_the_congress_name_on_every_card(staff_client, settings):
    settings.CONGRESS_NAME = "测试县人大常委会"
    rep = make_representative()
    response = staff_client.get(QR_CARDS, {"representative": rep.pk})
    [card] = _cards(response)
    assert "测试县人大常委会" in page_text(card)


def test_it_encodes_each_representatives_public_url_in_their_card(staff_client, settings):
    settings.SITE_URL = "https://rd.example.cn"
    rep = make_representative()
    response = staff_client.get(QR_CARDS, {"representative": rep.pk})
    [card] = response.context["cards"]
    # The same drawing as the code of the representative's public URL, embedded as is.
    assert card["qr_svg"] == qrcodes.qr_svg_inline("https://rd.example.cn" + rep.get_absolute_url())
    assert card["qr_svg"] in response.content.decode()


def test_it_encodes_a_stations_qr_url_in_its_card(staff_client, settings):
    settings.SITE_URL = "https://rd.example.cn"
    station = make_station()
    response = staff_client.get(QR_CARDS, {"station": station.pk})
    [card] = response.context["cards"]
    assert card["qr_svg"] == qrcodes.qr_svg_inline("https://rd.example.cn" + station.get_qr_path())


def test_it_says_so_when_none_of_the_chosen_representatives_is_active(staff_client):
    gone = make_representative(is_active=False)
    response = staff_client.get(QR_CARDS, {"representative": gone.pk})
    assert response.status_code == 200
    assert _cards(response) == []
    assert tr("None of the chosen representatives or stations is active.") in page_text(response)


# --- cards for a station --------------------------------------------------------------------------


def test_it_prints_a_stations_card_followed_by_its_active_representatives(staff_client):
    town = make_town("营盘镇")
    station = make_station(town, "朱家湾村人大代表联络站", kind=Station.Kind.COMMUNITY)
    make_representative("站内代表甲", station=station)
    make_representative("站内代表乙", station=station)
    make_representative("离任代表丙", station=station, is_active=False)
    make_representative("别站代表丁", station=make_station())

    response = staff_client.get(QR_CARDS, {"station": station.pk})

    assert response.status_code == 200
    cards = response.context["cards"]
    assert len(cards) == 3
    assert cards[0]["title"] == "朱家湾村人大代表联络站"
    assert cards[0]["subtitle"] == station.get_kind_display()
    assert cards[0]["station_name"] == "营盘镇"
    assert {c["title"] for c in cards[1:]} == {"站内代表甲", "站内代表乙"}
    assert all(c["station_name"] == "朱家湾村人大代表联络站" for c in cards[1:])
    assert response.context["heading"] == "朱家湾村人大代表联络站"
    html_cards = _cards(response)
    assert len(html_cards) == 3
    assert all(count_substring(card, "<svg") == 1 for card in html_cards)
    text = page_text(response)
    assert "离任代表丙" not in text and "别站代表丁" not in text


def test_it_prints_only_the_station_card_for_a_station_without_representatives(staff_client):
    station = make_station(name="空联络站")
    response = staff_client.get(QR_CARDS, {"station": station.pk})
    assert [c["title"] for c in response.context["cards"]] == ["空联络站"]


def test_it_prints_no_card_for_an_inactive_station(staff_client):
    station = make_station(name="已撤销联络站", is_active=False)
    make_representative("该站代表", station=station)
    response = staff_client.get(QR_CARDS, {"station": station.pk})
    assert response.status_code == 200
    assert "已撤销联络站" not in [c["title"] for c in response.context["cards"]]


def test_it_names_an_active_station_on_a_representatives_card(staff_client):
    closed = make_station(make_town(order=0), "甲已撤销联络站", is_active=False)
    open_ = make_station(make_town(order=1), "乙在用联络站")
    rep = make_representative(station=closed)
    StationMembership.objects.create(station=open_, representative=rep)

    response = staff_client.get(QR_CARDS, {"representative": rep.pk})

    [card] = response.context["cards"]
    assert card["station_name"] == "乙在用联络站"


# --- garbage in, a message out -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "representative=abc",
        "representative=1&representative=abc",
        "representative=",
        "station=abc",
        "station=0",
        "station=-3",
        "station=1.5",
        "station=%3Cscript%3Ealert(1)%3C/script%3E",
        "representative=%3Cscript%3E",
        "foo=bar",
    ],
)
def test_it_answers_garbage_with_a_message_not_a_crash(staff_client, query):
    make_representative("无辜代表")
    response = staff_client.get(QR_CARDS + "?" + query)

    assert response.status_code == 200
    assert _cards(response) == []
    assert response.context["form"].errors
    alerts = [
        attrs for attrs in tags(response, "div") if "alert-warning" in (attrs.get("class") or "")
    ]
    assert alerts
    html = response.content.decode()
    assert "<script>" not in html
    assert "无辜代表" not in page_text(response)


@pytest.mark.parametrize(
    "query",
    [
        "station=99999",
        "station=99999999999999999999999",
        "representative=99999",
        "representative=-5",
    ],
)
def test_it_answers_ids_that_match_nothing_with_a_message_not_a_crash(staff_client, query):
    response = staff_client.get(QR_CARDS + "?" + query)
    assert response.status_code == 200
    assert _cards(response) == []
    assert tr("None of the chosen representatives or stations is active.") in page_text(response)


@pytest.mark.parametrize(
    "query",
    [
        "representative=99999999999999999999999",
        "representative=9223372036854775808",
        "station=9223372036854775808",
    ],
)
def test_it_answers_ids_beyond_64_bits_with_a_message_not_a_crash(staff_client, query):
    # SQLite cannot even bind such a number: it must never reach the database.
    response = staff_client.get(QR_CARDS + "?" + query)
    assert response.status_code == 200
    assert _cards(response) == []
    assert tr("None of the chosen representatives or stations is active.") in page_text(response)


def test_it_still_prints_the_valid_ids_next_to_one_beyond_64_bits(staff_client):
    rep = make_representative("有效代表")
    response = staff_client.get(
        QR_CARDS + f"?representative={rep.pk}&representative=99999999999999999999999"
    )
    assert [c["title"] for c in response.context["cards"]] == ["有效代表"]


def test_it_answers_only_get_on_the_card_sheet(staff_client):
    assert staff_client.post(QR_CARDS).status_code == 405


# --- my page ----------------------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_of_my_page_to_the_login(client):
    response = client.get(MY_PAGE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "next=/me/" in response.url


def test_it_shows_a_linked_representative_their_name_stations_and_qr(client):
    user = make_user()
    station = make_station(name="我的联络站")
    rep = make_representative(
        "我是代表", station=station, user=user, mobile="13987654321", term="第十九届"
    )
    client.force_login(user)

    response = client.get(MY_PAGE)

    assert response.status_code == 200
    assert response.context["rep"] == rep
    text = page_text(response)
    assert "我是代表" in text
    assert "我的联络站" in text
    assert "第十九届" in text
    srcs = [img.get("src") for img in tags(response, "img")]
    assert reverse("liaison:representative_qr", args=[rep.qr_token, "png"]) in srcs
    hrefs = [a.get("href") for a in tags(response, "a")]
    assert rep.get_absolute_url() in hrefs
    assert reverse("liaison:representative_qr", args=[rep.qr_token, "svg"]) in hrefs
    # Their own page shows the mobile on file only masked.
    html = response.content.decode()
    assert "13987654321" not in html
    assert "139****4321" in text


def test_it_tells_a_user_not_linked_to_a_representative_so(client):
    make_representative("别人")
    client.force_login(make_user())

    response = client.get(MY_PAGE)

    assert response.status_code == 200
    assert response.context["rep"] is None
    text = page_text(response)
    assert (
        tr(
            "Your account is not linked to a representative. Staff can link it in the administration."
        )
        in text
    )
    assert "别人" not in text
    assert not [img for img in tags(response, "img") if "qr" in (img.get("src") or "")]


def test_it_lets_a_staff_member_reach_the_administration_from_my_page(client):
    client.force_login(make_user(staff=True))
    response = client.get(MY_PAGE)
    assert reverse("admin:index") in [a.get("href") for a in tags(response, "a")]


def test_it_offers_a_sign_out_button_that_posts(client):
    client.force_login(make_user())
    response = client.get(MY_PAGE)
    forms = [attrs for tag, attrs in parse(response).tags if tag == "form"]
    assert any(f.get("action") == reverse("logout") and f.get("method") == "post" for f in forms)


def test_it_signs_a_representative_in_and_lands_on_their_tasks(client):
    # Issue 13: a representative lands on their work, the task list; their page is a tap
    # away in the menu (tests/test_landing.py has every role).
    user = make_user("daibiao-test", password="a-long-test-password-1")
    make_representative("登录代表", user=user)

    response = client.post(
        reverse("login"),
        {"username": "daibiao-test", "password": "a-long-test-password-1"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("petitions:my_tasks")
    assert MY_PAGE in [a.get("href") for a in tags(response, "a")]
    assert "登录代表" in page_text(client.get(MY_PAGE))
