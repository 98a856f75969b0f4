"""The citizen-facing pages: home, the station list, a station's page, a representative's
page, the QR images, and the "replaced" page an old or withdrawn code leads to."""

import pytest
from django.urls import reverse

from liaison import services
from liaison.models import Representative, Station, StationMembership
from tests.base import make_rating, make_representative, make_station, make_town, make_village
from tests.helpers import in_site_language, page_text, tags, tr

pytestmark = pytest.mark.django_db

MOBILE = "13987654321"
MASKED_MOBILE = "139****4321"

REPLACED_TITLE = "This code has been replaced"
BAD_FILTER = "That filter is not valid; showing all stations."


def _assert_is_the_replaced_page(response, *, must_not_mention=()):
    assert response.status_code == 410
    assert "liaison/qr_replaced.html" in [t.name for t in response.templates]
    text = page_text(response)
    assert tr(REPLACED_TITLE) in text
    html = response.content.decode()
    for secret in must_not_mention:
        assert secret not in html


def _assert_no_private_mobile(response):
    html = response.content.decode()
    assert MOBILE not in html
    assert MASKED_MOBILE not in html
    assert "****" not in html


# --- home ----------------------------------------------------------------------------------


def test_it_lists_every_active_station_by_town_on_the_home_page(client):
    north, south = make_town("北镇", order=1), make_town("南镇", order=2)
    a = make_station(north, "北镇中心联络站", kind=Station.Kind.CENTRAL)
    b = make_station(south, "南镇某村联络点", kind=Station.Kind.POINT)
    make_station(south, "南镇已撤销联络站", is_active=False)
    make_station(make_town("空镇"), "空镇已撤销联络站", is_active=False)

    response = client.get(reverse("liaison:home"))

    assert response.status_code == 200
    text = page_text(response)
    assert "北镇" in text and "南镇" in text
    assert text.index("北镇中心联络站") < text.index("南镇某村联络点")
    assert "已撤销" not in text
    # A town with no active station is left out altogether.
    assert "空镇" not in text
    hrefs = [a["href"] for a in tags(response, "a")]
    assert a.get_absolute_url() in hrefs and b.get_absolute_url() in hrefs


def test_it_counts_stations_points_professional_stations_and_representatives(client):
    town = make_town()
    central = make_station(town, kind=Station.Kind.CENTRAL)
    make_station(town, kind=Station.Kind.POINT)
    make_station(town, kind=Station.Kind.POINT)
    make_station(town, kind=Station.Kind.PROFESSIONAL)
    make_station(town, kind=Station.Kind.POINT, is_active=False)
    for _ in range(3):
        make_representative(station=central)
    make_representative(station=central, is_active=False)

    response = client.get(reverse("liaison:home"))

    assert response.context["totals"] == {
        "stations": 4,
        "points": 2,
        "professional": 1,
        "representatives": 3,
    }


def test_it_shows_a_stations_latest_stars_on_the_home_page(client):
    station = make_station()
    make_rating(station, year=2023, fraction=0.5)
    make_rating(station, year=2024, fraction=0.95)

    response = client.get(reverse("liaison:home"))

    [town] = [t for t in response.context["towns"] if t.active_stations]
    assert town.active_stations[0].stars == 5
    assert "★★★★★" in page_text(response)


def test_it_welcomes_visitors_even_before_any_station_exists(client):
    response = client.get(reverse("liaison:home"))
    assert response.status_code == 200


def test_it_answers_only_get_on_the_home_page(client):
    assert client.post(reverse("liaison:home")).status_code == 405


# --- station list ----------------------------------------------------------------------------


@pytest.fixture
def two_towns():
    north, south = make_town("北镇", order=1), make_town("南镇", order=2)
    stations = {
        "north_central": make_station(north, "北镇中心站", kind=Station.Kind.CENTRAL),
        "north_point": make_station(north, "北镇联络点", kind=Station.Kind.POINT),
        "south_point": make_station(south, "南镇联络点", kind=Station.Kind.POINT),
        "south_pro": make_station(south, "南镇专业站", kind=Station.Kind.PROFESSIONAL),
        "south_closed": make_station(south, "南镇撤销站", kind=Station.Kind.POINT, is_active=False),
    }
    return north, south, stations


def _listed(response):
    return [s.name for s in response.context["stations"]]


def test_it_lists_every_active_station_without_filters(client, two_towns):
    response = client.get(reverse("liaison:station_list"))
    assert response.status_code == 200
    assert sorted(_listed(response)) == sorted(
        ["北镇中心站", "北镇联络点", "南镇联络点", "南镇专业站"]
    )
    assert tr(BAD_FILTER) not in page_text(response)


def test_it_filters_stations_by_town(client, two_towns):
    north, south, _ = two_towns
    response = client.get(reverse("liaison:station_list"), {"town": south.pk})
    assert response.status_code == 200
    assert sorted(_listed(response)) == sorted(["南镇联络点", "南镇专业站"])
    text = page_text(response)
    assert "北镇中心站" not in text
    assert tr(BAD_FILTER) not in text


def test_it_filters_stations_by_kind(client, two_towns):
    response = client.get(reverse("liaison:station_list"), {"kind": Station.Kind.POINT})
    assert sorted(_listed(response)) == sorted(["北镇联络点", "南镇联络点"])


def test_it_filters_stations_by_town_and_kind_together(client, two_towns):
    north, _, _ = two_towns
    response = client.get(
        reverse("liaison:station_list"), {"town": north.pk, "kind": Station.Kind.POINT}
    )
    assert _listed(response) == ["北镇联络点"]


def test_it_says_so_when_no_station_matches(client, two_towns):
    north, _, _ = two_towns
    response = client.get(
        reverse("liaison:station_list"), {"town": north.pk, "kind": Station.Kind.PROFESSIONAL}
    )
    assert response.status_code == 200
    assert _listed(response) == []
    assert tr("No station matches these filters.") in page_text(response)


@pytest.mark.parametrize(
    "query",
    [
        {"town": "abc"},
        {"town": "99999"},
        {"town": "-1"},
        {"town": "1.5"},
        {"town": "99999999999999999999999"},
        {"town": "' OR 1=1 --"},
        {"kind": "<script>alert(1)</script>"},
        {"kind": "central'"},
        {"town": "abc", "kind": "<script>"},
    ],
)
def test_it_shows_all_stations_and_a_clear_message_for_a_hostile_filter(client, two_towns, query):
    response = client.get(reverse("liaison:station_list"), query)

    assert response.status_code == 200
    assert tr(BAD_FILTER) in page_text(response)
    assert len(_listed(response)) == 4
    html = response.content.decode()
    assert "<script" not in html
    assert "alert(1)" not in html


def test_it_counts_only_active_representatives_of_a_listed_station(client):
    station = make_station()
    make_representative(station=station)
    make_representative(station=station)
    make_representative(station=station, is_active=False)

    response = client.get(reverse("liaison:station_list"))

    [listed] = response.context["stations"]
    assert listed.rep_count == 2


# --- station page ---------------------------------------------------------------------------


@pytest.fixture
def renhe():
    town = make_town("乾佑街道")
    village = make_village(town, "仁和社区")
    station = make_station(
        town,
        "乾佑街道仁和社区人大代表联络站",
        slug="renhe",
        village=village,
        address="柞水县乾佑街道仁和社区党群服务中心",
        opening_hours="每周一、三、五 9:00–12:00",
        contact_phone="0914-4321002",
        feature="创新“双联双融五进”活动载体。",
        has_legal_service_room=True,
    )
    head = make_representative("站长甲", mobile=MOBILE)
    StationMembership.objects.create(
        station=station,
        representative=head,
        role=StationMembership.Role.HEAD,
        duty_hours="每月15日 9:00–12:00",
    )
    make_representative("普通代表乙", station=station, level=Representative.Level.TOWNSHIP)
    make_representative("离任代表丙", station=station, is_active=False)
    make_rating(station, year=2025, fraction=0.85)
    return station


def test_it_shows_a_station_by_its_slug(client, renhe):
    response = client.get(renhe.get_absolute_url())

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/stations/renhe/"
    text = page_text(response)
    for expected in [
        renhe.name,
        "乾佑街道",
        in_site_language(Station.Kind.COMMUNITY.label),
        "柞水县乾佑街道仁和社区党群服务中心",
        "每周一、三、五 9:00–12:00",
        "0914-4321002",
        "创新“双联双融五进”活动载体。",
        "站长甲",
        "普通代表乙",
        "每月15日 9:00–12:00",
        in_site_language(StationMembership.Role.HEAD.label),
        in_site_language(Representative.Level.TOWNSHIP.label),
        "★★★★",
    ]:
        assert expected in text, expected
    assert response.context["station"].stars == 4


def test_it_leaves_inactive_representatives_off_a_station_page(client, renhe):
    response = client.get(renhe.get_absolute_url())
    assert "离任代表丙" not in page_text(response)
    assert [m.representative.name for m in response.context["memberships"]] == [
        "站长甲",
        "普通代表乙",
    ]


def test_it_links_each_representative_and_the_stations_qr_image(client, renhe):
    response = client.get(renhe.get_absolute_url())
    hrefs = [a.get("href") for a in tags(response, "a")]
    for membership in response.context["memberships"]:
        assert membership.representative.get_absolute_url() in hrefs
    srcs = [img.get("src") for img in tags(response, "img")]
    assert reverse("liaison:station_qr", args=[renhe.qr_token, "png"]) in srcs


def test_it_never_shows_a_representatives_private_mobile_on_a_station_page(client, renhe):
    _assert_no_private_mobile(client.get(renhe.get_absolute_url()))


def test_it_answers_404_for_an_inactive_station(client):
    station = make_station(is_active=False)
    assert client.get(station.get_absolute_url()).status_code == 404


def test_it_answers_404_for_an_unknown_slug(client):
    assert client.get(reverse("liaison:station_detail", args=["no-such-station"])).status_code == (
        404
    )


def test_it_says_so_when_a_station_has_no_representatives(client):
    station = make_station()
    response = client.get(station.get_absolute_url())
    assert tr("No representatives are listed at this station yet.") in page_text(response)
    assert response.context["station"].stars is None


# --- a station's QR page -------------------------------------------------------------------------


def test_it_shows_the_station_page_for_the_stations_qr_token(client, renhe):
    response = client.get(renhe.get_qr_path())
    assert response.status_code == 200
    assert renhe.name in page_text(response)
    assert "站长甲" in page_text(response)
    _assert_no_private_mobile(response)


def test_it_shows_the_replaced_page_for_a_stations_old_token(client, renhe):
    old_path = renhe.get_qr_path()
    rotated = services.station_rotate_qr_token(station=renhe)

    _assert_is_the_replaced_page(
        client.get(old_path), must_not_mention=[renhe.name, "站长甲", "普通代表乙", "renhe"]
    )
    assert client.get(rotated.get_qr_path()).status_code == 200
    # The slug page does not change with the code.
    assert client.get(renhe.get_absolute_url()).status_code == 200


def test_it_shows_the_replaced_page_for_an_inactive_stations_token(client, renhe):
    Station.objects.filter(pk=renhe.pk).update(is_active=False)
    _assert_is_the_replaced_page(
        client.get(renhe.get_qr_path()), must_not_mention=[renhe.name, "站长甲"]
    )


def test_it_answers_404_for_an_unknown_station_token(client):
    assert client.get(reverse("liaison:station_qr_page", args=["x" * 32])).status_code == 404


def test_it_answers_404_for_a_representatives_old_token_used_as_a_station_token(client):
    rep = make_representative()
    old = rep.qr_token
    services.representative_rotate_qr_token(representative=rep)
    assert client.get(reverse("liaison:station_qr_page", args=[old])).status_code == 404


@pytest.mark.parametrize(
    "token", ["short", "a" * 65, "has.dots.in.it.and.more", "%3Cscript%3E" * 3]
)
def test_it_answers_404_for_a_malformed_token(client, token):
    assert client.get(f"/s/{token}/").status_code == 404
    assert client.get(f"/r/{token}/").status_code == 404


# --- a representative's page ------------------------------------------------------------------------


@pytest.fixture
def rep(renhe):
    rep = make_representative(
        "柳春和",
        level=Representative.Level.PROVINCIAL,
        term="第十四届",
        occupation="种植合作社理事长",
        bio="联系群众、反映民意。",
        mobile=MOBILE,
    )
    StationMembership.objects.create(
        station=renhe,
        representative=rep,
        role=StationMembership.Role.DEPUTY_HEAD,
        duty_hours="每月5日 9:00–12:00",
    )
    other = make_station(
        make_town("营盘镇"), "营盘镇人大代表中心联络站", contact_phone="0914-4311001"
    )
    StationMembership.objects.create(
        station=other, representative=rep, duty_hours="每月20日 14:30–17:00"
    )
    closed = make_station(make_town("撤销镇"), "已撤销的联络站", is_active=False)
    StationMembership.objects.create(station=closed, representative=rep, duty_hours="从不")
    return rep


def test_it_shows_a_representatives_name_level_stations_and_duty_hours(client, rep, renhe):
    response = client.get(rep.get_absolute_url())

    assert response.status_code == 200
    text = page_text(response)
    for expected in [
        "柳春和",
        in_site_language(Representative.Level.PROVINCIAL.label),
        "第十四届",
        "种植合作社理事长",
        "联系群众、反映民意。",
        renhe.name,
        "每月5日 9:00–12:00",
        in_site_language(StationMembership.Role.DEPUTY_HEAD.label),
        "营盘镇人大代表中心联络站",
        "每月20日 14:30–17:00",
        "0914-4311001",
    ]:
        assert expected in text, expected
    hrefs = [a.get("href") for a in tags(response, "a")]
    assert renhe.get_absolute_url() in hrefs


def test_it_leaves_inactive_stations_off_a_representatives_page(client, rep):
    text = page_text(client.get(rep.get_absolute_url()))
    assert "已撤销的联络站" not in text
    assert "从不" not in text


def test_it_shows_the_representatives_qr_code_as_a_png_image(client, rep):
    response = client.get(rep.get_absolute_url())
    png = reverse("liaison:representative_qr", args=[rep.qr_token, "png"])
    assert png in [img.get("src") for img in tags(response, "img")]


def test_it_never_shows_a_representatives_private_mobile_on_their_page(client, rep):
    response = client.get(rep.get_absolute_url())
    _assert_no_private_mobile(response)


def test_it_says_so_when_a_representative_has_no_station(client):
    lonely = make_representative()
    response = client.get(lonely.get_absolute_url())
    assert response.status_code == 200
    assert tr("Not yet assigned to a station.") in page_text(response)


def test_it_shows_the_replaced_page_for_an_inactive_representative(client, rep):
    Representative.objects.filter(pk=rep.pk).update(is_active=False)
    _assert_is_the_replaced_page(
        client.get(rep.get_absolute_url()), must_not_mention=["柳春和", MOBILE, "种植合作社"]
    )


def test_it_shows_the_replaced_page_for_a_representatives_old_token(client, rep):
    old_path = rep.get_absolute_url()
    rotated = services.representative_rotate_qr_token(representative=rep)

    _assert_is_the_replaced_page(
        client.get(old_path), must_not_mention=["柳春和", MOBILE, "种植合作社", rotated.qr_token]
    )
    assert client.get(rotated.get_absolute_url()).status_code == 200


def test_it_answers_404_for_an_unknown_representative_token(client):
    response = client.get(reverse("liaison:representative_detail", args=["A" * 32]))
    assert response.status_code == 404


def test_it_answers_404_for_a_stations_old_token_used_as_a_representative_token(client):
    station = make_station()
    old = station.qr_token
    services.station_rotate_qr_token(station=station)
    assert client.get(reverse("liaison:representative_detail", args=[old])).status_code == 404


def test_it_answers_only_get_on_a_representatives_page(client, rep):
    assert client.post(rep.get_absolute_url()).status_code == 405


# --- QR images -----------------------------------------------------------------------------------


def test_it_serves_a_representatives_qr_as_png_and_svg(client, rep):
    png = client.get(reverse("liaison:representative_qr", args=[rep.qr_token, "png"]))
    assert png.status_code == 200
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert "public" in png["Cache-Control"]

    svg = client.get(reverse("liaison:representative_qr", args=[rep.qr_token, "svg"]))
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content


def test_it_serves_a_stations_qr_as_png_and_svg(client, renhe):
    png = client.get(reverse("liaison:station_qr", args=[renhe.qr_token, "png"]))
    assert png.status_code == 200
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")

    svg = client.get(reverse("liaison:station_qr", args=[renhe.qr_token, "svg"]))
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content


@pytest.mark.parametrize("fmt", ["gif", "jpg", "PNG", "png.exe"])
def test_it_offers_no_other_qr_formats(client, rep, fmt):
    assert client.get(f"/r/{rep.qr_token}/qr.{fmt}").status_code == 404


def test_it_serves_no_qr_image_for_an_old_or_inactive_code(client, rep, renhe):
    old_rep, old_station = rep.qr_token, renhe.qr_token
    services.representative_rotate_qr_token(representative=rep)
    services.station_rotate_qr_token(station=renhe)
    for url in [
        reverse("liaison:representative_qr", args=[old_rep, "png"]),
        reverse("liaison:representative_qr", args=[old_rep, "svg"]),
        reverse("liaison:station_qr", args=[old_station, "png"]),
        reverse("liaison:station_qr", args=[old_station, "svg"]),
    ]:
        _assert_is_the_replaced_page(client.get(url), must_not_mention=["柳春和", renhe.name])

    gone = make_representative(is_active=False)
    _assert_is_the_replaced_page(
        client.get(reverse("liaison:representative_qr", args=[gone.qr_token, "png"]))
    )
    assert client.get(reverse("liaison:station_qr", args=["Z" * 32, "png"])).status_code == 404
