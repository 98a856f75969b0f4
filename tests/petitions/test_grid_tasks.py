"""Issue #11's acceptance: a concern from a grid's village appears in that grid's
representatives' task lists, and in no other representative's (even one not addressed to
them and not received at their station: entered by staff from a phone call)."""

import uuid

import pytest
from django.urls import reverse

from liaison.grids import grid_save
from petitions import services
from petitions.models import Petition
from tests.base import make_representative, make_station, make_user, make_village, make_world
from tests.liaison.grid_helpers import grid_actor, make_grid

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def grid_world(world):
    """A grid of town A over one village, looked after by a representative of another
    station (not station A's); rep_a and rep_b are outside it."""
    village = make_village(world.town_a, name="网格村")
    grid_rep_user = make_user("grid_rep")
    grid_rep = make_representative(
        name="网格代表", station=make_station(world.town_a), user=grid_rep_user
    )
    grid = make_grid(world.town_a, villages=[village], representatives=[grid_rep])
    return {"village": village, "grid": grid, "rep": grid_rep, "user": grid_rep_user}


def _by_phone(world, village):
    """A concern staff entered from a phone call: no representative, no station."""
    petition, _token, _created = services.petition_receive(
        channel=Petition.Channel.PHONE,
        text="网格内的下水道堵塞，污水漫到路面。",
        village=village,
        town=village.town,
        consent=True,
        submit_key=uuid.uuid4(),
        entered_by=world.county,
    )
    return petition


def _task_numbers(client, user):
    client.force_login(user)
    response = client.get(reverse("petitions:my_tasks"))
    assert response.status_code == 200
    return {p.tracking_no for s in response.context["sections"] for p in s["rows"]}


def test_a_grid_concern_is_in_the_grid_representatives_task_list(client, world, grid_world):
    petition = _by_phone(world, grid_world["village"])
    assert petition.representative_id is None and petition.station_id is None
    assert petition.tracking_no in _task_numbers(client, grid_world["user"])


def test_a_grid_concern_is_in_no_other_representatives_task_list(client, world, grid_world):
    petition = _by_phone(world, grid_world["village"])
    other_grid_user = make_user()
    other = make_representative(station=make_station(world.town_a), user=other_grid_user)
    make_grid(world.town_a, representatives=[other])  # another grid of the same town
    for user in (world.rep_a_user, world.rep_b_user, other_grid_user):
        assert petition.tracking_no not in _task_numbers(client, user)
        client.force_login(user)
        url = reverse("petitions:work_detail", args=[petition.pk])
        assert client.get(url).status_code == 404


def test_the_grid_representative_opens_the_grid_concern(client, world, grid_world):
    petition = _by_phone(world, grid_world["village"])
    client.force_login(grid_world["user"])
    response = client.get(reverse("petitions:work_detail", args=[petition.pk]))
    assert response.status_code == 200


def test_a_concern_from_another_village_is_not_offered_to_the_grid(client, world, grid_world):
    petition = _by_phone(world, make_village(world.town_a))
    assert petition.tracking_no not in _task_numbers(client, grid_world["user"])


def test_a_representative_taken_out_of_the_grid_no_longer_sees_it(client, world, grid_world):
    petition = _by_phone(world, grid_world["village"])
    grid = grid_world["grid"]
    grid_save(
        grid=grid,
        villages=grid.villages.all(),
        representatives=[],
        deputies=[],
        actor=grid_actor(),
    )
    assert petition.tracking_no not in _task_numbers(client, grid_world["user"])
    url = reverse("petitions:work_detail", args=[petition.pk])
    assert client.get(url).status_code == 404


def test_an_inactive_grid_no_longer_offers_its_concerns(client, world, grid_world):
    petition = _by_phone(world, grid_world["village"])
    grid = grid_world["grid"]
    grid.is_active = False
    grid_save(
        grid=grid,
        villages=grid.villages.all(),
        representatives=grid.representatives.all(),
        deputies=[],
        actor=grid_actor(),
    )
    assert petition.tracking_no not in _task_numbers(client, grid_world["user"])


def test_an_inactive_representative_of_the_grid_sees_nothing(client, world, grid_world):
    petition = _by_phone(world, grid_world["village"])
    rep = grid_world["rep"]
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    client.force_login(grid_world["user"])
    url = reverse("petitions:work_detail", args=[petition.pk])
    assert client.get(url).status_code == 404
