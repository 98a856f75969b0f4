"""More time (信访工作条例 Art. 34): the unit asks once, at most 30 days, with a reason;
county staff approve (perhaps fewer days: the deadline moves on the working-day calendar)
or refuse with a reason. Workflow actions, with events and notices to the unit."""

from datetime import date

import pytest
from django.urls import reverse

from petitions import errors, escalation, workflow
from petitions.deadlines import Calendar
from petitions.models import CalendarDay, Notification, Petition, PetitionEvent
from tests.base import make_world, receive, to_step
from tests.helpers import admin_url, page_text, tr

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def supervised(world):
    petition, _ = receive(world)
    to_step(world, petition, "supervising")
    return Petition.objects.get(pk=petition.pk)


def _request(world, petition, days=20, reason="需委托检测机构"):
    return escalation.petition_request_extension(
        petition=petition, actor=world.unit_user, days=days, reason=reason
    )


def test_request_then_approve_moves_the_deadline_by_the_days_granted_on_the_calendar(
    world, supervised
):
    # A deadline of Friday 25 September 2026; 6 days granted land on Thursday 1 October, in
    # the National Day holiday (1–7 October): the deadline moves to Thursday 8 October.
    Petition.objects.filter(pk=supervised.pk).update(deadline=date(2026, 9, 25))
    supervised.refresh_from_db()
    assert CalendarDay.objects.filter(date=date(2026, 10, 1), kind="holiday").exists()
    _request(world, supervised, days=20)
    assert supervised.extension_status == "requested"
    assert supervised.deadline == date(2026, 9, 25)  # nothing moves before the answer
    unit_notices = Notification.objects.filter(recipient=world.unit_user).count()

    escalation.petition_approve_extension(petition=supervised, actor=world.county, days=6)
    supervised.refresh_from_db()
    assert supervised.deadline == Calendar.from_db().add_days(date(2026, 9, 25), 6)
    assert supervised.deadline == date(2026, 10, 8)
    assert (supervised.extension_status, supervised.extension_days) == ("approved", 6)
    assert Notification.objects.filter(recipient=world.unit_user).count() == unit_notices + 1
    actions = PetitionEvent.objects.filter(petition=supervised, kind="extension")
    assert list(actions.values_list("action", "is_public")) == [
        ("request_extension", False),
        ("approve_extension", True),
    ]


def test_county_may_not_grant_more_than_asked(world, supervised):
    _request(world, supervised, days=10)
    with pytest.raises(errors.WorkflowError):
        escalation.petition_approve_extension(petition=supervised, actor=world.county, days=11)
    assert Petition.objects.get(pk=supervised.pk).extension_status == "requested"


def test_refuse_keeps_the_deadline_and_tells_the_unit_why_on_the_page(client, world, supervised):
    before = supervised.deadline
    _request(world, supervised)
    with pytest.raises(errors.WorkflowError):
        escalation.petition_refuse_extension(petition=supervised, actor=world.county, reason=" ")
    escalation.petition_refuse_extension(
        petition=supervised, actor=world.county, reason="检测可同步进行"
    )
    supervised.refresh_from_db()
    assert (supervised.deadline, supervised.extension_status) == (before, "refused")
    client.force_login(world.unit_user)
    text = page_text(client.get(reverse("petitions:work_detail", args=[supervised.pk])))
    assert "检测可同步进行" in text


@pytest.mark.parametrize("answer", ["approve", "refuse"])
def test_a_second_request_is_refused(world, supervised, answer):
    _request(world, supervised, days=5)
    with pytest.raises(errors.WorkflowError):
        _request(world, supervised, days=5)  # while the first waits
    if answer == "approve":
        escalation.petition_approve_extension(petition=supervised, actor=world.county)
    else:
        escalation.petition_refuse_extension(petition=supervised, actor=world.county, reason="否")
    with pytest.raises(errors.WorkflowError):
        _request(world, supervised, days=5)
    assert (
        PetitionEvent.objects.filter(petition=supervised, action="request_extension").count() == 1
    )


def test_only_the_unit_asks_and_only_county_staff_answer(world, supervised):
    for outsider in (world.county, world.town_staff_a, world.other_unit_user):
        with pytest.raises(errors.TransitionNotAllowed):
            escalation.petition_request_extension(
                petition=supervised, actor=outsider, days=3, reason="需协调"
            )
    _request(world, supervised)
    for outsider in (world.town_staff_a, world.unit_user, world.rep_a_user):
        with pytest.raises(errors.TransitionNotAllowed):
            escalation.petition_approve_extension(petition=supervised, actor=outsider)


def test_the_buttons_follow_the_request(world, supervised):
    names = lambda user: {a.name for a in workflow.allowed_actions(supervised, user)}  # noqa: E731
    assert "request_extension" in names(world.unit_user)
    assert not {"approve_extension", "refuse_extension"} & names(world.county)
    _request(world, supervised)
    supervised.refresh_from_db()
    assert "request_extension" not in names(world.unit_user)
    assert {"approve_extension", "refuse_extension"} <= names(world.county)


def test_through_the_work_page_with_a_clear_message_on_bad_input(client, world, supervised):
    client.force_login(world.unit_user)
    url = reverse("petitions:work_action", args=[supervised.pk, "request_extension"])
    response = client.post(url, {"days": 31, "reason": "太久"})
    assert response.status_code == 400
    assert Petition.objects.get(pk=supervised.pk).extension_status == ""
    response = client.post(url, {"days": 15, "reason": "需协调多个部门"})
    assert response.status_code == 302
    client.force_login(world.county)
    url = reverse("petitions:work_action", args=[supervised.pk, "approve_extension"])
    text = page_text(client.get(reverse("petitions:work_detail", args=[supervised.pk])))
    assert tr("Approve the extension") in text and "需协调多个部门" in text
    assert client.post(url, {"days": 10}).status_code == 302
    assert Petition.objects.get(pk=supervised.pk).extension_days == 10


def test_county_staff_find_the_requests_waiting_in_the_admin(admin_client, world, supervised):
    other, _ = receive(world)
    to_step(world, other, "supervising")
    _request(world, supervised)
    response = admin_client.get(
        admin_url("petitions.Petition", "changelist"), {"overdue": "extension"}
    )
    assert [p.pk for p in response.context["cl"].result_list] == [supervised.pk]
