"""The overdue job: yellow and red cards, once per change of colour."""

from datetime import timedelta

import pytest
from django.utils import timezone

from petitions import services
from petitions.models import Notification, Petition, PetitionEvent
from petitions.tasks import mark_overdue_petitions
from tests.base import make_world, receive, to_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _due_in(petition, days):
    Petition.objects.filter(pk=petition.pk).update(
        deadline=timezone.localdate() + timedelta(days=days)
    )


def test_it_marks_yellow_then_red_and_notifies_once_per_colour(world):
    petition, _ = receive(world)
    to_step(world, petition, "supervising")
    _due_in(petition, 2)
    notices = Notification.objects.filter(recipient=world.unit_user).count()

    assert services.petitions_mark_warnings() == 1
    assert Petition.objects.get(pk=petition.pk).warning == "yellow"
    assert services.petitions_mark_warnings() == 0  # idempotent
    assert Notification.objects.filter(recipient=world.unit_user).count() == notices + 1

    _due_in(petition, -1)
    assert mark_overdue_petitions.delay().get() == 1
    assert Petition.objects.get(pk=petition.pk).warning == "red"
    assert services.petitions_mark_warnings() == 0
    assert Notification.objects.filter(recipient=world.unit_user).count() == notices + 2
    assert list(
        PetitionEvent.objects.filter(petition=petition, kind="warning").values_list(
            "action", flat=True
        )
    ) == ["yellow", "red"]


def test_it_leaves_far_deadlines_and_finished_petitions_alone(world):
    far, _ = receive(world)
    to_step(world, far, "assigned")
    done, _ = receive(world)
    to_step(world, done, "reported")
    _due_in(done, -10)
    assert services.petitions_mark_warnings() == 0
    assert Petition.objects.get(pk=done.pk).warning == ""


def test_two_runs_racing_on_one_petition_change_it_once(world):
    petition, _ = receive(world)
    to_step(world, petition, "supervising")
    _due_in(petition, -1)
    stale = Petition.objects.get(pk=petition.pk)
    assert services.petition_update_warning(petition=Petition.objects.get(pk=petition.pk)) is True
    # The second run read the row before the first one wrote: its compare-and-set fails.
    assert services.petition_update_warning(petition=stale) is False
    assert PetitionEvent.objects.filter(petition=petition, kind="warning").count() == 1
