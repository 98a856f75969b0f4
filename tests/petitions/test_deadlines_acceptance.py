"""The 15-day acceptance limit (collect_by, 信访工作条例 Art. 22–23): the same beat job that
cards the units' deadlines cards it, yellow from 3 working days before, red after; once per
change, with an event and notices; shown on the task list, the admin's card filter and the
work page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from petitions import services, workflow
from petitions.deadlines import Calendar
from petitions.models import Notification, Petition, PetitionEvent
from tests.base import make_world, receive, to_step
from tests.helpers import admin_url, page_text, tr

pytestmark = pytest.mark.django_db

# A Monday, so "3 working days before" is plain to read: collect_by is Friday 2026-03-20.
COLLECT_BY = date(2026, 3, 20)


@pytest.fixture
def world():
    return make_world()


def _received(world, **kw):
    petition, _ = receive(world, **kw)
    Petition.objects.filter(pk=petition.pk).update(collect_by=COLLECT_BY)
    return Petition.objects.get(pk=petition.pk)


def _card(petition):
    return Petition.objects.get(pk=petition.pk).warning


def test_yellow_three_working_days_before_red_after_once_per_change(world):
    petition = _received(world)
    # Monday 16 March: four working days left (Tue–Fri): no card.
    assert services.petitions_mark_warnings(today=date(2026, 3, 16)) == 0
    assert _card(petition) == ""
    notices = Notification.objects.filter(recipient=world.rep_a_user).count()

    # Tuesday 17 March: three working days left: yellow, once.
    assert services.petitions_mark_warnings(today=date(2026, 3, 17)) == 1
    assert _card(petition) == "yellow"
    assert services.petitions_mark_warnings(today=date(2026, 3, 18)) == 0
    assert Notification.objects.filter(recipient=world.rep_a_user).count() == notices + 1

    # On the day itself still yellow; the day after, red.
    assert services.petitions_mark_warnings(today=COLLECT_BY) == 0
    assert services.petitions_mark_warnings(today=date(2026, 3, 21)) == 1
    assert _card(petition) == "red"
    assert Notification.objects.filter(recipient=world.rep_a_user).count() == notices + 2
    events = PetitionEvent.objects.filter(petition=petition, kind="warning")
    assert list(events.values_list("action", flat=True)) == ["yellow", "red"]
    red = events.get(action="red")
    assert red.note == tr("%(card)s (deciding acceptance)") % {"card": tr("red: overdue")}


def test_working_days_skip_weekends_and_holidays():
    # Friday 20 March counted back over a weekend: Mon 16 has 4 working days left.
    calendar = Calendar()
    assert calendar.working_days_between(date(2026, 3, 17), COLLECT_BY) == 3
    assert calendar.working_days_between(date(2026, 3, 13), COLLECT_BY) == 5


def test_a_collected_concern_keeps_its_card_until_assigned(world):
    petition = _received(world)
    workflow.petition_collect(
        petition=petition,
        actor=world.county,
        category=world.category,
        level=Petition.Level.COUNTY,
        town=world.town_a,
    )
    assert services.petitions_mark_warnings(today=date(2026, 3, 23)) == 1
    assert _card(petition) == "red"
    workflow.petition_assign(petition=petition, actor=world.county, unit=world.unit)
    petition.refresh_from_db()
    # Assigned: the card is the unit's deadline's now, far away.
    assert petition.warning == ""
    assert services.petitions_mark_warnings(today=date(2026, 3, 23)) == 0


def test_a_decision_ends_the_card(world):
    petition = _received(world)
    services.petitions_mark_warnings(today=date(2026, 3, 23))
    to_step(world, petition, "rejected")
    assert _card(petition) == ""
    assert services.petitions_mark_warnings(today=date(2026, 3, 24)) == 0


def test_the_card_shows_on_the_task_list_the_work_page_and_the_admin_filter(
    client, admin_client, world
):
    petition = _received(world)
    quiet = _received(world)
    services.petitions_mark_warnings(today=date(2026, 3, 23))
    assert _card(quiet) == "red"
    Petition.objects.filter(pk=quiet.pk).update(warning="", collect_by=date(2099, 1, 1))
    label = tr("red: overdue")

    client.force_login(world.rep_a_user)
    text = page_text(client.get(reverse("petitions:my_tasks")))
    assert label in text
    assert tr("decide by %(date)s") % {"date": "2026-03-20"} in text

    text = page_text(client.get(reverse("petitions:work_detail", args=[petition.pk])))
    assert label in text

    response = admin_client.get(
        admin_url("petitions.Petition", "changelist"), {"overdue": "acceptance"}
    )
    assert [p.pk for p in response.context["cl"].result_list] == [petition.pk]


def test_a_handling_deadline_is_still_carded_as_before(world):
    petition, _ = receive(world)
    to_step(world, petition, "supervising")
    deadline = Petition.objects.get(pk=petition.pk).deadline
    assert services.petitions_mark_warnings(today=deadline + timedelta(days=1)) == 1
    assert _card(petition) == "red"
