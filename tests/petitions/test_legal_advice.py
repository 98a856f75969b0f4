"""Legal advice (法律意见, issue #11): an event of its own kind, written by the legal worker only,
shown to the citizen on the tracking page when marked public, signed "legal worker", never
by name; staff and the representative read every piece of advice in the history."""

import pytest
from django.urls import reverse

from petitions import workflow
from petitions.errors import TransitionNotAllowed, WorkflowError
from petitions.models import PetitionEvent
from tests.base import make_world, receive, to_step
from tests.helpers import page_text, tr
from tests.petitions.legal_helpers import make_legal_worker, receive_at_hall

pytestmark = pytest.mark.django_db

ADVICE = PetitionEvent.Kind.LEGAL_ADVICE


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def legal_a(world):
    return make_legal_worker("falv_a", station=world.station_a, first_name="律", last_name="周")


def _advice():
    return PetitionEvent.objects.filter(kind=ADVICE)


def _post(client, petition, **data):
    return client.post(reverse("petitions:work_action", args=[petition.pk, "legal_advice"]), data)


def test_the_legal_worker_adds_public_advice(client, world, legal_a):
    petition, _ = receive(world)
    client.force_login(legal_a)
    response = _post(client, petition, text="可申请人民调解，或向法院起诉。", is_public="on")
    assert response.status_code == 302
    event = _advice().get()
    assert (event.note, event.is_public, event.actor) == (
        "可申请人民调解，或向法院起诉。",
        True,
        legal_a,
    )
    assert event.action == "legal_advice"
    assert event.from_step == event.to_step == petition.step


def test_advice_without_the_box_stays_with_staff(client, world, legal_a):
    petition, _ = receive(world)
    client.force_login(legal_a)
    _post(client, petition, text="内部意见：证据不足。")
    assert _advice().get().is_public is False


@pytest.mark.parametrize("text", ["", "   ", "长" * 2001])
def test_bad_advice_is_refused_in_chinese_and_nothing_is_saved(client, world, legal_a, text):
    petition, _ = receive(world)
    client.force_login(legal_a)
    response = _post(client, petition, text=text, is_public="on")
    assert response.status_code == 400
    assert tr("Please correct the errors below.") in page_text(response)
    assert not _advice().exists()


def test_the_service_refuses_empty_advice(world, legal_a):
    petition, _ = receive(world)
    with pytest.raises(WorkflowError):
        workflow.petition_legal_advice(petition=petition, actor=legal_a, text=" ", is_public=True)
    assert not _advice().exists()


@pytest.mark.parametrize("step", ["received", "supervising", "closed", "rejected"])
def test_advice_can_be_given_at_any_step(world, legal_a, step):
    petition, _ = receive(world)
    to_step(world, petition, step)
    petition.refresh_from_db()
    workflow.petition_legal_advice(petition=petition, actor=legal_a, text="意见", is_public=False)
    assert _advice().count() == 1


FORBIDDEN = [
    "county",
    "town_staff_a",
    "station_staff_a",
    "rep_a_user",
    "unit_user",
    "rep_b_user",
    "town_staff_b",
    "hall_worker",
    "other_station_worker",
]


@pytest.mark.parametrize("who", FORBIDDEN)
def test_everyone_but_the_legal_worker_is_refused(client, world, legal_a, who):
    petition, _ = receive(world)
    to_step(world, petition, "supervising")  # assigned to world.unit, who can see it
    petition.refresh_from_db()
    if who == "hall_worker":
        user = make_legal_worker("falv_hall")
    elif who == "other_station_worker":
        user = make_legal_worker("falv_b", station=world.station_b)
    else:
        user = getattr(world, who)
    assert "legal_advice" not in [a.name for a in workflow.allowed_actions(petition, user)]
    with pytest.raises(TransitionNotAllowed):
        workflow.petition_legal_advice(petition=petition, actor=user, text="意见", is_public=True)
    client.force_login(user)
    response = _post(client, petition, text="意见", is_public="on")
    assert response.status_code in (403, 404)
    assert not _advice().exists()


def test_the_hall_worker_advises_on_a_hall_concern(world):
    hall_worker = make_legal_worker("falv_hall")
    petition = receive_at_hall(world)
    assert [a.name for a in workflow.allowed_actions(petition, hall_worker)] == ["legal_advice"]
    workflow.petition_legal_advice(
        petition=petition, actor=hall_worker, text="意见", is_public=True
    )
    assert _advice().count() == 1


def test_the_tracking_page_shows_only_public_advice_signed_legal_worker(client, world, legal_a):
    petition, token = receive(world)
    workflow.petition_legal_advice(
        petition=petition, actor=legal_a, text="建议先协商，协商不成可申请调解。", is_public=True
    )
    workflow.petition_legal_advice(
        petition=petition, actor=legal_a, text="内部：对方有前科记录。", is_public=False
    )
    response = client.get(reverse("petitions:track", args=[token]))
    assert response.status_code == 200
    text = page_text(response)
    assert "建议先协商，协商不成可申请调解。" in text
    assert "内部：对方有前科记录。" not in text
    assert "法律意见" in text and "法律工作者" in text
    assert "周律" not in text and "falv_a" not in text


def test_staff_and_the_representative_read_all_advice_in_the_history(client, world, legal_a):
    petition, _ = receive(world)
    workflow.petition_legal_advice(
        petition=petition, actor=legal_a, text="公开意见", is_public=True
    )
    workflow.petition_legal_advice(
        petition=petition, actor=legal_a, text="内部意见", is_public=False
    )
    for user in (world.county, world.station_staff_a, world.rep_a_user):
        client.force_login(user)
        text = page_text(client.get(reverse("petitions:work_detail", args=[petition.pk])))
        assert "公开意见" in text and "内部意见" in text, user
        assert "法律意见" in text and "周律" in text


def test_the_tracking_page_reads_advice_in_constant_queries(
    client, world, legal_a, django_assert_num_queries
):
    petition, token = receive(world)
    url = reverse("petitions:track", args=[token])
    client.get(url)
    with django_assert_num_queries(4) as few:
        client.get(url)
    for index in range(20):
        workflow.petition_legal_advice(
            petition=petition, actor=legal_a, text=f"意见{index}", is_public=True
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "意见19" in page_text(response)
