"""The legal worker (信访+法律咨询, issue #11): their list at /legal/, only the concerns where
they serve (a station's legal-service room, or the county petition hall), the work page with
the citizen masked, and nothing else."""

import pytest
from django.urls import reverse

from petitions import access
from petitions.models import Petition, PetitionEvent
from tests.base import make_world, receive
from tests.helpers import page_text, tr
from tests.petitions.legal_helpers import make_legal_worker, receive_at_hall

pytestmark = pytest.mark.django_db

ROWS = [1, 50]


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def legal_a(world):
    return make_legal_worker("falv_a", station=world.station_a)


@pytest.fixture
def hall_worker(world):
    return make_legal_worker("falv_hall")


def _listed(response):
    return [p.tracking_no for p in response.context["page"].object_list]


def test_work_home_sends_a_legal_worker_to_their_list(client, legal_a):
    client.force_login(legal_a)
    response = client.get(reverse("petitions:work_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:legal_list")


def test_the_header_offers_a_legal_worker_my_work(client, legal_a):
    client.force_login(legal_a)
    response = client.get(reverse("petitions:legal_list"))
    assert response.context["menu"].work is True
    assert response.context["menu"].my_page is False
    assert reverse("petitions:work_home") in response.content.decode()


def test_it_lists_only_the_stations_concerns_newest_first(client, world, legal_a):
    older, _ = receive(world)
    newer, _ = receive(world)
    theirs, _ = receive(world, rep=world.rep_b)
    hall = receive_at_hall(world)
    client.force_login(legal_a)
    response = client.get(reverse("petitions:legal_list"))
    assert response.status_code == 200
    assert _listed(response) == [newer.tracking_no, older.tracking_no]
    text = page_text(response)
    assert theirs.tracking_no not in text and hall.tracking_no not in text
    assert world.station_a.name in text


def test_the_hall_worker_sees_only_concerns_received_at_the_hall(client, world, hall_worker):
    at_station, _ = receive(world)
    hall = receive_at_hall(world)
    elsewhere = receive_at_hall(world, town=world.town_b)
    client.force_login(hall_worker)
    response = client.get(reverse("petitions:legal_list"))
    assert set(_listed(response)) == {hall.tracking_no, elsewhere.tracking_no}
    assert at_station.tracking_no not in page_text(response)
    assert tr("County petition hall") in page_text(response)


def test_a_legal_worker_never_sees_an_accusation(world, legal_a, hall_worker):
    accusation, _ = receive(world, category=world.accusation)
    at_hall = receive_at_hall(world, category=world.accusation)
    assert accusation.is_accusation and at_hall.is_accusation
    assert not access.petitions_for_user(legal_a).filter(pk=accusation.pk).exists()
    assert not access.petitions_for_user(hall_worker).filter(pk=at_hall.pk).exists()


@pytest.mark.parametrize("which", ["other station", "hall", "accusation", "no such id", "junk"])
def test_the_work_page_of_a_concern_out_of_scope_is_404(client, world, legal_a, which):
    if which == "other station":
        pk = receive(world, rep=world.rep_b)[0].pk
    elif which == "hall":
        pk = receive_at_hall(world).pk
    elif which == "accusation":
        pk = receive(world, category=world.accusation)[0].pk
    elif which == "no such id":
        pk = 987654
    else:
        pk = "x1"
    client.force_login(legal_a)
    url = f"/work/petitions/{pk}/"
    assert client.get(url).status_code == 404
    response = client.post(f"{url}do/legal_advice/", {"text": "意见", "is_public": "on"})
    assert response.status_code == 404
    assert not PetitionEvent.objects.filter(kind=PetitionEvent.Kind.LEGAL_ADVICE).exists()


def test_the_hall_worker_gets_404_on_a_stations_concern(client, world, hall_worker):
    petition, _ = receive(world)
    client.force_login(hall_worker)
    assert client.get(reverse("petitions:work_detail", args=[petition.pk])).status_code == 404


def test_the_work_page_masks_the_citizens_name_and_phone(client, world, legal_a):
    petition, _ = receive(world, citizen_name="王小明", citizen_phone="13912345678")
    client.force_login(legal_a)
    response = client.get(reverse("petitions:work_detail", args=[petition.pk]))
    assert response.status_code == 200
    text = page_text(response)
    assert "王**" in text and "139****5678" in text
    assert "王小明" not in text and "13912345678" not in text


def test_the_work_page_offers_only_legal_advice(client, world, legal_a):
    petition, _ = receive(world)
    client.force_login(legal_a)
    response = client.get(reverse("petitions:work_detail", args=[petition.pk]))
    actions = [action.name for action, _form in response.context["action_forms"]]
    assert actions == ["legal_advice"]
    assert tr("Add legal advice") in page_text(response)


def test_the_search_finds_a_concern_by_its_tracking_number(client, world, legal_a):
    first, _ = receive(world)
    second, _ = receive(world)
    client.force_login(legal_a)
    response = client.get(reverse("petitions:legal_list"), {"q": second.tracking_no})
    assert _listed(response) == [second.tracking_no]
    response = client.get(reverse("petitions:legal_list"), {"q": "不存在的编号"})
    assert _listed(response) == []
    assert response.status_code == 200
    assert "不存在的编号" in page_text(response)
    # A long or odd search is cut, never an error.
    response = client.get(reverse("petitions:legal_list"), {"q": "%" * 500, "page": "zz"})
    assert response.status_code == 200
    assert first.tracking_no not in page_text(response)


@pytest.mark.parametrize("who", ["anonymous", "county", "rep_a_user", "unit_user", "town_staff_a"])
def test_the_list_is_only_for_legal_workers(client, world, who):
    if who != "anonymous":
        client.force_login(getattr(world, who))
    response = client.get(reverse("petitions:legal_list"))
    assert response.status_code == (302 if who == "anonymous" else 404)


def test_the_list_pages_fifty_concerns_at_a_time(client, world, legal_a):
    for _ in range(51):
        receive(world)
    client.force_login(legal_a)
    response = client.get(reverse("petitions:legal_list"))
    assert len(_listed(response)) == 50
    response = client.get(reverse("petitions:legal_list"), {"page": 2})
    assert len(_listed(response)) == 1


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_the_list_in_constant_queries(
    client, world, legal_a, django_assert_num_queries, rows
):
    for _ in range(rows):
        receive(world)
    client.force_login(legal_a)
    client.get(reverse("petitions:legal_list"))  # warm the session
    # session and user, roles (scope, representative, units), the page's count and rows,
    # the station's name, the header's unread notices.
    with django_assert_num_queries(2 + 3 + 2 + 1 + 1):
        response = client.get(reverse("petitions:legal_list"))
    assert len(_listed(response)) == rows


def test_a_legal_worker_is_not_congress_staff(world, legal_a):
    assert Petition.objects.count() == 0
    assert not legal_a.is_staff
    assert not access.may_see_phone(legal_a)
