"""The county dashboard's page (/staff/dashboard/): congress staff only, each chart a
well-formed SVG, every figure a link to the list behind it, a constant number of queries."""

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.models import Representative, StationRating
from tests.base import (
    make_rating,
    make_representative,
    make_station,
    make_user,
    make_world,
    receive,
    to_step,
)
from tests.helpers import tags

pytestmark = pytest.mark.django_db

PAGE = "/staff/dashboard/"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def world():
    return make_world()


def test_the_url_is_the_dashboards():
    assert reverse("measures:dashboard") == PAGE


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["rep_a_user", "unit_user", "plain"])
def test_anyone_but_congress_staff_gets_404(client, world, who):
    user = make_user(staff=True) if who == "plain" else getattr(world, who)
    client.force_login(user)
    assert client.get(PAGE).status_code == 404


def test_a_post_is_refused(client, world):
    client.force_login(world.county)
    assert client.post(PAGE).status_code == 405


def _svgs(response) -> list[ET.Element]:
    """Every chart of the page, parsed as XML (a chart that is not well-formed fails here)."""
    html = response.content.decode()
    drawn = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', html, flags=re.S)
    return [ET.fromstring(m) for m in drawn]  # noqa: S314 (the page's own charts)


def test_every_chart_is_well_formed_svg_with_links(client, world):
    petition, _token = receive(world)
    to_step(world, petition, "assigned")
    make_rating(world.station_a, year=2025)
    client.force_login(world.county)
    response = client.get(PAGE)
    assert response.status_code == 200
    charts = [svg for svg in _svgs(response) if svg.get("class") == "dash-svg"]
    assert len(charts) == 4  # months, quarters, stars, points (no unit is overdue)
    for svg in charts:
        assert svg.get("viewBox").startswith("0 0 360 ")
        assert svg.get("style") is None
    links = [a.get("href") for svg in charts for a in svg.iter(f"{SVG_NS}a")]
    assert any("step__exact=assigned" in href for href in links)
    assert any("stars__exact=5" in href for href in links)
    assert "style=" not in response.content.decode()


def _admin_get(client, href):
    response = client.get(href)
    assert response.status_code == 200, href
    return response


def test_every_figure_links_to_the_list_behind_it(client, world, monkeypatch):
    petitions = []
    for rating in ("satisfied", "unsatisfied", None):
        petition, _token = receive(world)
        to_step(world, petition, "reported" if rating else "assigned")
        if rating:
            from petitions import workflow

            workflow.petition_survey(petition=petition, rating=rating)
        petitions.append(petition)
    client.force_login(make_user(superuser=True))
    response = client.get(PAGE)
    context = response.context
    month = context["months"]["rows"][-1]
    # The month's total: the concerns list of that month shows them all.
    listed = _admin_get(client, month["href"]).context["cl"].result_count
    assert listed == month["total"] == 3
    supervising = dict(zip(context["months"]["steps"], month["cells"], strict=True))
    for count, href in month["cells"]:
        assert _admin_get(client, href).context["cl"].result_count == count
    assert any(supervising.values())
    quarter = context["quarters"]["rows"][-1]
    assert _admin_get(client, quarter["satisfied_href"]).context["cl"].result_count == 1
    assert _admin_get(client, quarter["surveyed_href"]).context["cl"].result_count == 2
    for row in context["stars"]["rows"]:
        _admin_get(client, row["href"])
    for row in context["points"]["rows"]:
        assert _admin_get(client, row["href"]).context["cl"].result_count == row["total"]
    _admin_get(client, context["points"]["entries_href"])
    _admin_get(client, context["overdue"]["href"])


def test_the_overdue_links_list_each_units_overdue_concerns(client, world):
    from datetime import timedelta

    from django.utils import timezone

    from petitions.models import Petition

    for _i in range(2):
        petition, _token = receive(world)
        to_step(world, petition, "assigned")
    Petition.objects.update(deadline=timezone.localdate() - timedelta(days=1))
    client.force_login(make_user(superuser=True))
    overdue = client.get(PAGE).context["overdue"]
    assert overdue["total"] == 2
    (row,) = overdue["rows"]
    assert row["label"] == world.unit.name and row["count"] == 2
    assert parse_qs(urlsplit(row["href"]).query) == {
        "overdue": ["late"],
        "unit__id__exact": [str(world.unit.pk)],
    }
    assert client.get(row["href"]).context["cl"].result_count == 2
    assert sum(svg.get("class") == "dash-svg" for svg in _svgs(client.get(PAGE))) == 5


def test_town_staff_see_their_towns_figures_only(client, world):
    receive(world, rep=world.rep_a)
    receive(world, rep=world.rep_b)
    receive(world, rep=world.rep_b)
    client.force_login(world.town_staff_b)
    figures = client.get(PAGE).context["figures"]
    assert sum(m.total for m in figures.months) == 2
    client.force_login(world.town_staff_a)
    figures = client.get(PAGE).context["figures"]
    assert sum(m.total for m in figures.months) == 1


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("rows", [1, 50])
def test_the_page_runs_in_constant_queries(client, world, rows, django_assert_num_queries):
    for index in range(rows):
        rep = world.rep_a if index % 2 else world.rep_b
        petition, _token = receive(world, rep=rep)
        if index % 3 == 0:
            to_step(world, petition, "assigned")
        # As many stations, each rated, and representatives, seated at them.
        station = make_station(town=world.town_a)
        StationRating.objects.create(
            station=station, year=2025, stars=index % 5 + 1, rated_on=date(2025, 12, 1)
        )
        make_representative(station=station, level=Representative.Level.TOWNSHIP)
    client.force_login(world.county)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(PAGE)
    # Opened again the same day, the figures come from the cache.
    with django_assert_num_queries(PAGE_QUERIES - FIGURES_QUERIES):
        client.get(PAGE)


# The figures: concerns by month and step; overdue by unit; stations by stars; the points
# table (rules, caps, bands), the approved items, the representatives; the activities'
# results (six: part B's).
FIGURES_QUERIES = 14
# The session, the user, the second factor's device, the roles (scope, representative,
# units), and the admin's menu (the user's and the groups' permissions).
PAGE_QUERIES = FIGURES_QUERIES + 8


def test_the_administrations_index_and_the_statistics_link_to_it(client, world):
    client.force_login(world.county)
    for page in (reverse("admin:index"), reverse("petitions:staff_statistics")):
        assert PAGE in {a.get("href") for a in tags(client.get(page), "a")}, page


def test_the_administrations_index_has_no_link_for_staff_without_a_scope(client):
    client.force_login(make_user(staff=True))
    assert PAGE not in {a.get("href") for a in tags(client.get(reverse("admin:index")), "a")}


def test_the_page_is_in_chinese(client, world):
    client.force_login(world.county)
    html = client.get(PAGE).content.decode()
    assert "全县工作看板" in html and "近12个月诉求" in html


def test_the_activities_chart_links_to_their_results(client, world):
    from django.utils import timezone

    from liaison.models import Activity
    from tests.measures.activity_helpers import attend, make_activity, make_reps, raise_concerns

    today = timezone.localdate()
    reception = make_activity(Activity.Kind.DIRECTOR_RECEPTION, on=today, station=world.station_a)
    attend(reception, make_reps(2))
    raise_concerns(reception, 3, level="town")
    client.force_login(world.county)
    response = client.get(PAGE)
    activities = response.context["activities"]
    (row,) = activities["rows"]
    assert row["cells"][:5] == [1, 2, 3, 3, 0]
    results = client.get(row["href"])
    assert results.status_code == 200
    charts = [svg for svg in _svgs(response) if svg.get("class") == "dash-svg"]
    # Months, quarters, stars, points; the activities' person-times and concerns.
    assert len(charts) == 6
    # Station staff see no activities' figures on the dashboard, as on part B's pages.
    client.force_login(world.station_staff_a)
    assert client.get(PAGE).context["activities"] is None
