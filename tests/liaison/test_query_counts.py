"""Every listing page runs a fixed number of queries, however many rows it shows.

Each number below was measured once and is asserted exactly, for one row and for fifty:
a page that grows a query per row (an N+1) fails here before it is slow in production.
Pages behind a login also pay for the session and the user (two queries).
"""

import pytest
from django.urls import reverse

from liaison.models import Station, StationMembership
from tests.base import (
    make_rating,
    make_representative,
    make_station,
    make_town,
    make_user,
    representative_at_stations,
    station_with_representatives,
)

pytestmark = pytest.mark.django_db

ROWS = [1, 50]

HOME_QUERIES = 4  # towns, their active stations with stars, the totals, the representatives
STATION_LIST_QUERIES = 2  # the stations with stars and counts, the towns for the filter
STATION_LIST_FILTERED_QUERIES = 3  # … plus the town the filter names
# the station, its stars, its memberships with representatives, its next duty days (their
# rosters are one more query when there are any: tests/points/test_roster.py)
# … its active grids and the rhythm's themes of today (issue #11)
STATION_PAGE_QUERIES = 6
STATION_QR_PAGE_QUERIES = 6  # as the station page
# the representative, memberships, stations, towns, the published yearly records; issue #11:
# the grids they look after, the leaders linked to them, their groups with their committees
REPRESENTATIVE_PAGE_QUERIES = 5 + 1 + 2
SESSION_AND_USER = 2
QR_CARDS_FOR_REPRESENTATIVES_QUERIES = SESSION_AND_USER + 3  # reps, memberships, stations
QR_CARDS_FOR_A_STATION_QUERIES = SESSION_AND_USER + 2  # station with its town, memberships
# rep, memberships, stations, towns; the unread-notices badge of the staff header; and who
# the user is, for the header's menu (liaison.roles.roles_for: staff scope, representative,
# their stations, units); whether they are a leader of the five links (issue #11)
MY_PAGE_QUERIES = SESSION_AND_USER + 4 + 1 + 4 + 1


def _stations_in_towns(count):
    towns = [make_town() for _ in range(min(count, 9))]
    stations = []
    for index in range(count):
        kind = [Station.Kind.CENTRAL, Station.Kind.POINT, Station.Kind.PROFESSIONAL][index % 3]
        station = make_station(towns[index % len(towns)], kind=kind)
        make_rating(station, fraction=0.75)
        make_representative(station=station)
        stations.append(station)
    return stations


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_the_home_page_in_constant_queries(client, django_assert_num_queries, rows):
    _stations_in_towns(rows)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(reverse("liaison:home"))
    assert response.status_code == 200
    assert response.context["totals"]["stations"] == rows


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_the_station_list_in_constant_queries(client, django_assert_num_queries, rows):
    _stations_in_towns(rows)
    with django_assert_num_queries(STATION_LIST_QUERIES):
        response = client.get(reverse("liaison:station_list"))
    assert len(response.context["stations"]) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_a_filtered_station_list_in_constant_queries(
    client, django_assert_num_queries, rows
):
    town = make_town()
    for _ in range(rows):
        make_representative(station=make_station(town, kind=Station.Kind.POINT))
    with django_assert_num_queries(STATION_LIST_FILTERED_QUERIES):
        response = client.get(
            reverse("liaison:station_list"), {"town": town.pk, "kind": Station.Kind.POINT}
        )
    assert len(response.context["stations"]) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_a_station_page_in_constant_queries(client, django_assert_num_queries, rows):
    station = station_with_representatives(rows)
    make_rating(station)
    with django_assert_num_queries(STATION_PAGE_QUERIES):
        response = client.get(station.get_absolute_url())
    assert len(response.context["memberships"]) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_a_station_qr_page_in_constant_queries(client, django_assert_num_queries, rows):
    station = station_with_representatives(rows)
    with django_assert_num_queries(STATION_QR_PAGE_QUERIES):
        response = client.get(station.get_qr_path())
    assert len(response.context["memberships"]) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_a_representative_page_in_constant_queries(
    client, django_assert_num_queries, rows
):
    rep = representative_at_stations(rows)
    with django_assert_num_queries(REPRESENTATIVE_PAGE_QUERIES):
        response = client.get(rep.get_absolute_url())
    assert len(response.context["memberships"]) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_the_qr_card_sheet_for_representatives_in_constant_queries(
    client, django_assert_num_queries, rows
):
    station = make_station()
    reps = [make_representative(station=station) for _ in range(rows)]
    client.force_login(make_user(staff=True))
    query = "&".join(f"representative={rep.pk}" for rep in reps)
    with django_assert_num_queries(QR_CARDS_FOR_REPRESENTATIVES_QUERIES):
        response = client.get(reverse("liaison:qr_cards") + "?" + query)
    assert len(response.context["cards"]) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_the_qr_card_sheet_for_a_station_in_constant_queries(
    client, django_assert_num_queries, rows
):
    station = station_with_representatives(rows)
    client.force_login(make_user(staff=True))
    with django_assert_num_queries(QR_CARDS_FOR_A_STATION_QUERIES):
        response = client.get(reverse("liaison:qr_cards"), {"station": station.pk})
    assert len(response.context["cards"]) == rows + 1


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_my_page_in_constant_queries(client, django_assert_num_queries, rows):
    user = make_user()
    rep = representative_at_stations(rows, user=user)
    assert StationMembership.objects.filter(representative=rep).count() == rows
    client.force_login(user)
    with django_assert_num_queries(MY_PAGE_QUERIES):
        response = client.get(reverse("liaison:my_page"))
    assert response.status_code == 200
