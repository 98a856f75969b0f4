"""现场办理 at intake (issue #14, part B): staff recording a concern raised at an activity tick
"handled on the spot"; the petitions service sets the flag, nothing else can, and only a
concern from an activity may carry it."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from liaison.models import Activity
from petitions import services
from petitions.models import Petition
from tests.base import make_world
from tests.helpers import page_text, tr
from tests.petitions.test_intake import data

pytestmark = pytest.mark.django_db
URL = "/staff/intake/"


@pytest.fixture
def world():
    return make_world()


def _activity():
    return Activity.objects.create(
        kind=Activity.Kind.FACE_TO_FACE,
        title="代表·局长面对面",
        date=timezone.localdate() - timedelta(days=2),
    )


def test_the_form_offers_the_box(client, world):
    client.force_login(world.county)
    assert tr("Handled on the spot (现场办理)") in page_text(client.get(URL))


def test_a_concern_handled_on_the_spot_keeps_the_flag(client, world):
    activity = _activity()
    client.force_login(world.county)
    response = client.post(
        URL,
        data(channel="activity", source_activity=activity.pk, handled_on_the_spot="on"),
    )
    assert response.status_code == 200
    petition = Petition.objects.get()
    assert petition.handled_on_the_spot is True
    assert petition.source_activity == activity


def test_without_the_box_the_flag_stays_off(client, world):
    client.force_login(world.county)
    client.post(URL, data(channel="activity", source_activity=_activity().pk))
    assert Petition.objects.get().handled_on_the_spot is False


def test_the_box_without_an_activity_is_refused_and_saves_nothing(client, world):
    client.force_login(world.county)
    response = client.post(URL, data(handled_on_the_spot="on"))
    assert response.status_code == 400
    assert Petition.objects.count() == 0
    assert tr("Only a concern raised at an activity can be handled on the spot there.") in (
        page_text(response)
    )


def test_the_service_refuses_the_flag_without_an_activity(world):
    with pytest.raises(ValueError):
        services.petition_receive(
            channel=Petition.Channel.PHONE,
            text="村里的自来水管道老化，夏天经常停水。",
            handled_on_the_spot=True,
            submit_key=uuid.uuid4(),
            entered_by=world.county,
        )
    assert Petition.objects.count() == 0


def test_the_flag_is_not_editable_in_forms():
    assert Petition._meta.get_field("handled_on_the_spot").editable is False
