"""督办 of a red card: 催办, 约谈, 通报, 挂牌督办, each a workflow action for whoever assigns
the concern (county staff; the town congress for its town-level concerns), each an event and
a notice to the unit; the citizen's tracking page says "督办中" and names nobody."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from petitions import errors, escalation, services, workflow
from petitions.models import Notification, Petition, PetitionEvent
from tests.base import make_world, receive, to_step
from tests.helpers import admin_url, page_text, tr
from tests.petitions.citizen_helpers import tracking_path

pytestmark = pytest.mark.django_db

ESCALATIONS = ["urge", "interview", "public_notice", "flag"]


@pytest.fixture
def world():
    return make_world()


def _red(world, **kw):
    petition, token = receive(world, **kw)
    to_step(world, petition, "supervising")
    deadline = Petition.objects.get(pk=petition.pk).deadline
    services.petitions_mark_warnings(today=deadline + timedelta(days=1))
    petition.refresh_from_db()
    assert petition.warning == "red"
    return petition, token


def _do(action, petition, actor):
    calls = {
        "urge": lambda: escalation.petition_urge(petition=petition, actor=actor, note="请立即办理"),
        "interview": lambda: escalation.petition_interview(
            petition=petition,
            actor=actor,
            on=timezone.localdate() + timedelta(days=2),
            note="约谈交通运输局李局长",
        ),
        "public_notice": lambda: escalation.petition_public_notice(
            petition=petition, actor=actor, note="在全县通报交通运输局逾期未办"
        ),
        "flag": lambda: escalation.petition_flag(petition=petition, actor=actor),
    }
    return calls[action]()


def test_each_escalation_appends_an_event_and_notifies_the_unit(world):
    petition, _ = _red(world)
    for action in ESCALATIONS:
        before = Notification.objects.filter(recipient=world.unit_user).count()
        _do(action, petition, world.county)
        assert Notification.objects.filter(recipient=world.unit_user).count() == before + 1
    events = PetitionEvent.objects.filter(petition=petition, kind="escalation")
    assert list(events.values_list("action", flat=True)) == ESCALATIONS
    assert not events.filter(is_public=True).exists()
    petition.refresh_from_db()
    assert petition.escalated_at is not None
    assert petition.public_notice_count == 1
    assert petition.is_flagged
    assert petition.step == "supervising"  # 督办 never moves the step


def test_no_escalation_before_the_card_is_red(world):
    petition, _ = receive(world)
    to_step(world, petition, "supervising")
    for action in ESCALATIONS:
        with pytest.raises(errors.TransitionNotAllowed):
            _do(action, petition, world.county)
    assert not {a.name for a in workflow.allowed_actions(petition, world.county)} & set(ESCALATIONS)


def test_who_escalates_county_level_and_town_level(world):
    county_level, _ = _red(world)
    for outsider in (world.town_staff_a, world.unit_user, world.rep_a_user):
        with pytest.raises(errors.TransitionNotAllowed):
            escalation.petition_urge(petition=county_level, actor=outsider)
    # A town-level concern: the town congress assigned it, and escalates it.
    petition, _ = receive(world)
    workflow.petition_collect(
        petition=petition,
        actor=world.town_staff_a,
        category=world.category,
        level=Petition.Level.TOWN,
        town=world.town_a,
    )
    workflow.petition_assign(petition=petition, actor=world.town_staff_a, unit=world.unit)
    deadline = Petition.objects.get(pk=petition.pk).deadline
    services.petitions_mark_warnings(today=deadline + timedelta(days=1))
    petition.refresh_from_db()
    escalation.petition_urge(petition=petition, actor=world.town_staff_a)
    with pytest.raises(errors.TransitionNotAllowed):
        escalation.petition_urge(petition=petition, actor=world.town_staff_b)


def test_bad_input_is_refused_and_nothing_is_written(world):
    petition, _ = _red(world)
    with pytest.raises(errors.WorkflowError):
        escalation.petition_interview(
            petition=petition,
            actor=world.county,
            on=timezone.localdate() - timedelta(days=1),
            note="约谈",
        )
    with pytest.raises(errors.WorkflowError):
        escalation.petition_public_notice(petition=petition, actor=world.county, note=" ")
    assert not PetitionEvent.objects.filter(petition=petition, kind="escalation").exists()
    escalation.petition_flag(petition=petition, actor=world.county)
    with pytest.raises(errors.WorkflowError):
        escalation.petition_flag(petition=petition, actor=world.county)


def test_the_tracking_page_says_under_escalation_and_names_nobody(client, world):
    petition, token = _red(world)
    assert tr("Under escalated supervision") not in page_text(client.get(tracking_path(token)))
    for action in ESCALATIONS:
        _do(action, petition, world.county)
    text = page_text(client.get(tracking_path(token)))
    assert tr("Under escalated supervision") in text
    for secret in ("李局长", "约谈", "通报", "挂牌", world.county.username, "请立即办理"):
        assert secret not in text


def test_the_flag_shows_on_the_lists_and_the_work_page(client, admin_client, world):
    petition, _ = _red(world)
    escalation.petition_flag(petition=petition, actor=world.county)
    client.force_login(world.rep_a_user)
    assert tr("Flagged (挂牌督办)") in page_text(client.get(reverse("petitions:my_tasks")))
    client.force_login(world.unit_user)
    assert tr("Flagged (挂牌督办)") in page_text(client.get(reverse("petitions:unit_list")))
    response = admin_client.get(
        admin_url("petitions.Petition", "changelist"), {"overdue": "flagged"}
    )
    assert [p.pk for p in response.context["cl"].result_list] == [petition.pk]


def test_through_the_work_page(client, world):
    petition, _ = _red(world)
    client.force_login(world.county)
    page = page_text(client.get(reverse("petitions:work_detail", args=[petition.pk])))
    assert tr("Interview the unit's head (约谈)") in page
    url = reverse("petitions:work_action", args=[petition.pk, "interview"])
    assert client.post(url, {"on": "", "note": "约谈"}).status_code == 400
    on = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert client.post(url, {"on": on, "note": "约谈局长"}).status_code == 302
    assert PetitionEvent.objects.filter(petition=petition, action="interview").count() == 1


@pytest.mark.parametrize("view", ["flagged", "acceptance"])
def test_the_card_filters_run_the_same_queries_for_1_and_50_rows(admin_client, world, view):
    def count(rows):
        Petition.objects.update(is_flagged=True, warning="red")
        with CaptureQueriesContext(connection) as ctx:
            response = admin_client.get(
                admin_url("petitions.Petition", "changelist"), {"overdue": view}
            )
        assert len(response.context["cl"].result_list) == rows
        return len(ctx.captured_queries)

    for _ in range(1):
        receive(world)
    one = count(1)
    for _ in range(49):
        receive(world)
    assert count(50) == one
