"""The staff page of grids (issue #11): county staff see every town's grids, town staff
their town's, station staff their station's; others get 404; a fixed number of queries
however many grids."""

import uuid

import pytest
from django.urls import reverse

from liaison.models import StaffScope
from petitions import services, workflow
from petitions.models import Petition
from tests.base import (
    make_representative,
    make_staff,
    make_user,
    make_village,
    make_world,
    to_step,
)
from tests.helpers import page_text, tr
from tests.liaison.grid_helpers import make_deputy, make_grid

pytestmark = pytest.mark.django_db

URL = reverse("petitions:staff_grids")
ROWS = [1, 50]
SESSION_AND_USER = 2
# who the user is (roles_for: scope, representative, units), the count, the user's and
# their groups' permissions (the links to the administration), the page of grids with their
# counts, their representatives, their deputies
STAFF_GRIDS_QUERIES = SESSION_AND_USER + 3 + 1 + 2 + 1 + 2


@pytest.fixture
def world():
    return make_world()


def _concern(world, village):
    petition, _token, _created = services.petition_receive(
        channel=Petition.Channel.PHONE,
        text="网格内的垃圾点无人清运。",
        village=village,
        town=village.town,
        consent=True,
        submit_key=uuid.uuid4(),
        entered_by=world.county,
    )
    return petition


@pytest.fixture
def grids(world):
    grid_a = make_grid(
        world.town_a,
        name="甲镇网格",
        station=world.station_a,
        representatives=[world.rep_a],
        deputies=[make_deputy(world.town_a, name="甲议政")],
    )
    grid_b = make_grid(world.town_b, name="乙镇网格", station=world.station_b)
    return grid_a, grid_b


def _staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_county_staff_see_every_grid_with_its_counts(client, world, grids):
    grid_a, _grid_b = grids
    village = grid_a.villages.get()
    open_one = _concern(world, village)
    solved = to_step(world, _concern(world, village), "closed")
    workflow.petition_mark_micro_matter(
        petition=solved, actor=world.county, is_micro_matter=True, was=False
    )
    assert open_one.step == "received"
    client.force_login(world.county)
    response = client.get(URL)
    assert response.status_code == 200
    text = page_text(response)
    assert "甲镇网格" in text and "乙镇网格" in text and "甲议政" in text and "甲代表" in text
    row = next(g for g in response.context["page"] if g.pk == grid_a.pk)
    assert (row.village_count, row.open_count, row.micro_count) == (1, 1, 1)


def test_town_staff_see_only_their_towns_grids(client, world, grids):
    client.force_login(_staff(world.town_staff_a))
    text = page_text(client.get(URL))
    assert "甲镇网格" in text and "乙镇网格" not in text


def test_station_staff_see_only_their_stations_grids(client, world, grids):
    make_grid(world.town_a, name="无站网格")
    client.force_login(_staff(world.station_staff_a))
    text = page_text(client.get(URL))
    assert "甲镇网格" in text and "乙镇网格" not in text and "无站网格" not in text


def test_the_counts_are_of_the_concerns_the_user_may_see(client, world, grids):
    grid_a, _grid_b = grids
    village = grid_a.villages.get()
    accusation = _concern(world, village)
    Petition.objects.filter(pk=accusation.pk).update(category=world.accusation)
    client.force_login(_staff(world.town_staff_a))
    row = client.get(URL).context["page"][0]
    assert row.open_count == 0
    client.force_login(world.county)
    row = next(g for g in client.get(URL).context["page"] if g.pk == grid_a.pk)
    assert row.open_count == 1


def test_others_get_404(client, world, grids):
    # A representative, a unit's member, staff of the administration with no congress scope.
    for user in (world.rep_a_user, world.unit_user, make_user(staff=True)):
        client.force_login(user)
        assert client.get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_admin_index_links_to_it_for_congress_staff_only(client, world):
    client.force_login(world.county)
    assert URL in client.get(reverse("admin:index")).content.decode()
    plain = make_staff("plain_admin_user")
    client.force_login(plain)
    assert URL not in client.get(reverse("admin:index")).content.decode()


def test_an_empty_page_says_so(client, world):
    client.force_login(world.county)
    assert tr("No grid is defined yet.") in page_text(client.get(URL))


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_in_constant_queries(client, world, django_assert_num_queries, rows):
    for i in range(rows):
        village = make_village(world.town_a)
        make_grid(
            world.town_a,
            name=f"网格{i}",
            villages=[village],
            representatives=[make_representative()],
            deputies=[make_deputy(world.town_a, name=f"议政{i}")],
        )
        _concern(world, village)
    staff = make_staff("grids_town", level=StaffScope.Level.TOWN, town=world.town_a)
    client.force_login(staff)
    with django_assert_num_queries(STAFF_GRIDS_QUERIES):
        response = client.get(URL)
    assert len(response.context["page"]) == rows
    assert all(g.open_count == 1 for g in response.context["page"])
