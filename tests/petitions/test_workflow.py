"""The six-step loop: the table, who may act, compare-and-set, events."""

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from petitions import errors, escalation, services, workflow
from petitions.deadlines import Calendar
from petitions.models import Petition, PetitionEvent, Step, Survey
from tests.base import make_world, receive, to_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


# Every workflow call, with arguments that would be valid if the step and actor allowed it.
def _calls(world):
    return {
        "collect": lambda p, a: workflow.petition_collect(
            petition=p, actor=a, category=world.category, level="county", town=world.town_a
        ),
        "reject": lambda p, a: workflow.petition_reject(
            petition=p, actor=a, reason="r", guidance="g"
        ),
        "merge": lambda p, a: workflow.petition_merge(petition=p, actor=a, into=receive(world)[0]),
        "assign": lambda p, a: workflow.petition_assign(petition=p, actor=a, unit=world.unit),
        "accept": lambda p, a: workflow.petition_accept(petition=p, actor=a),
        "return": lambda p, a: workflow.petition_return(
            petition=p, actor=a, reason="不是本单位职责"
        ),
        "note": lambda p, a: workflow.petition_add_note(petition=p, actor=a, note="督办"),
        "remind": lambda p, a: workflow.petition_remind(petition=p, actor=a, note="请抓紧"),
        "reply": lambda p, a: workflow.petition_reply(petition=p, actor=a, text="已收到"),
        # The direct extension became a request the county answers (issue 9).
        "request_extension": lambda p, a: escalation.petition_request_extension(
            petition=p, actor=a, days=10, reason="需协调"
        ),
        "approve_extension": lambda p, a: escalation.petition_approve_extension(
            petition=p, actor=a
        ),
        "refuse_extension": lambda p, a: escalation.petition_refuse_extension(
            petition=p, actor=a, reason="理由不足"
        ),
        "urge": lambda p, a: escalation.petition_urge(petition=p, actor=a),
        "interview": lambda p, a: escalation.petition_interview(
            petition=p, actor=a, on=timezone.localdate(), note="约谈局长"
        ),
        "public_notice": lambda p, a: escalation.petition_public_notice(
            petition=p, actor=a, note="全县通报"
        ),
        "flag": lambda p, a: escalation.petition_flag(petition=p, actor=a),
        "report": lambda p, a: workflow.petition_report(
            petition=p, actor=a, result="已办理", outcome="solved"
        ),
        "record_survey": lambda p, a: workflow.petition_survey(
            petition=p, actor=a, rating="satisfied"
        ),
        "close": lambda p, a: workflow.petition_close(petition=p, actor=a, note="联系不上"),
        "micro_matter": lambda p, a: workflow.petition_mark_micro_matter(
            petition=p, actor=a, is_micro_matter=True, was=False
        ),
    }


def _allowed_actor(world, action):
    if action in ("accept", "return", "report", "request_extension"):
        return world.unit_user
    return world.county


def test_it_walks_the_whole_loop_and_writes_an_event_per_step(world):
    petition, _token = receive(world)
    to_step(world, petition, "closed")
    steps = list(petition.events.filter(kind="transition").values_list("from_step", "to_step"))
    assert steps == [
        ("", "received"),
        ("received", "collected"),
        ("collected", "assigned"),
        ("assigned", "supervising"),
        ("supervising", "reported"),
        ("reported", "surveyed"),
        ("surveyed", "closed"),
    ]
    assert petition.step == Step.CLOSED
    assert petition.closed_at is not None


@pytest.mark.parametrize(
    "step",
    [
        "received",
        "collected",
        "assigned",
        "supervising",
        "reported",
        "closed",
        "rejected",
        "merged",
    ],
)
def test_it_refuses_every_action_the_table_does_not_allow_from_a_step(world, step):
    calls = _calls(world)
    for action, spec in workflow.ACTIONS.items():
        if step in spec.from_steps:
            continue
        petition, _ = receive(world)
        to_step(world, petition, step)
        events = PetitionEvent.objects.filter(petition=petition).count()
        with pytest.raises(errors.TransitionNotAllowed):
            calls[action](petition, _allowed_actor(world, action))
        petition.refresh_from_db()
        assert petition.step == step, action
        assert PetitionEvent.objects.filter(petition=petition).count() == events, action


def test_it_checks_who_may_take_each_action(world):
    petition, _ = receive(world)
    # A representative of another station, another town's staff and a unit cannot collect.
    for outsider in (world.rep_b_user, world.town_staff_b, world.unit_user):
        with pytest.raises(errors.TransitionNotAllowed):
            workflow.petition_collect(
                petition=petition,
                actor=outsider,
                category=world.category,
                level="town",
                town=world.town_a,
            )
    # The petition's own representative can.
    workflow.petition_collect(
        petition=petition,
        actor=world.rep_a_user,
        category=world.category,
        level="county",
        town=world.town_a,
    )
    # County-level concerns are assigned by the county, not by the town.
    with pytest.raises(errors.TransitionNotAllowed):
        workflow.petition_assign(petition=petition, actor=world.town_staff_a, unit=world.unit)
    workflow.petition_assign(petition=petition, actor=world.county, unit=world.unit)
    # Only the assigned unit reports.
    with pytest.raises(errors.TransitionNotAllowed):
        workflow.petition_report(
            petition=petition, actor=world.other_unit_user, result="x", outcome="solved"
        )


def test_it_lets_town_staff_assign_town_level_concerns(world):
    petition, _ = receive(world)
    workflow.petition_collect(
        petition=petition,
        actor=world.town_staff_a,
        category=world.category,
        level="town",
        town=world.town_a,
    )
    workflow.petition_assign(petition=petition, actor=world.town_staff_a, unit=world.unit)
    assert petition.step == Step.ASSIGNED


def test_it_gives_a_clear_conflict_when_someone_else_moved_first(world):
    petition, _ = receive(world)
    to_step(world, petition, "collected")
    stale = Petition.objects.get(pk=petition.pk)
    workflow.petition_assign(petition=petition, actor=world.county, unit=world.unit)
    events = petition.events.count()
    with pytest.raises(errors.TransitionConflict) as error:
        workflow.petition_assign(petition=stale, actor=world.county, unit=world.other_unit)
    assert error.value.status == 409
    assert petition.events.count() == events
    assert Petition.objects.get(pk=petition.pk).unit == world.unit


def test_it_computes_the_deadline_and_lets_the_unit_return_within_five_working_days(world):
    petition, _ = receive(world)
    to_step(world, petition, "assigned")
    # The handling period (信访工作条例 Art. 34), moved off a day off.
    handle_days = settings.PETITION_HANDLE_DAYS
    assert petition.deadline == Calendar.from_db().add_days(timezone.localdate(), handle_days)
    workflow.petition_return(petition=petition, actor=world.unit_user, reason="属于水利局职责")
    assert petition.step == Step.COLLECTED
    assert petition.unit is None


def test_it_refuses_a_return_after_five_working_days(world):
    petition, _ = receive(world)
    to_step(world, petition, "assigned")
    Petition.objects.filter(pk=petition.pk).update(assigned_at=timezone.now() - timedelta(days=14))
    petition.refresh_from_db()
    with pytest.raises(errors.WorkflowError):
        workflow.petition_return(petition=petition, actor=world.unit_user, reason="太晚了")
    assert Petition.objects.get(pk=petition.pk).step == Step.ASSIGNED


def test_it_extends_once_by_at_most_thirty_days(world):
    # The unit asks and county staff approve (issue 9): the same limits as the direct
    # extension had.
    petition, _ = receive(world)
    to_step(world, petition, "supervising")
    before = petition.deadline
    with pytest.raises(errors.WorkflowError):
        escalation.petition_request_extension(
            petition=petition, actor=world.unit_user, days=31, reason="太久"
        )
    escalation.petition_request_extension(
        petition=petition, actor=world.unit_user, days=30, reason="涉及多个部门"
    )
    escalation.petition_approve_extension(petition=petition, actor=world.county)
    assert petition.deadline >= before + timedelta(days=30)
    with pytest.raises(errors.WorkflowError):
        escalation.petition_request_extension(
            petition=petition, actor=world.unit_user, days=5, reason="再延"
        )


def test_it_reopens_twice_on_unsatisfied_and_closes_on_the_third_rating(world):
    petition, _ = receive(world)
    to_step(world, petition, "reported")
    for expected_reopens in (1, 2):
        workflow.petition_survey(
            petition=petition, rating=Survey.Rating.UNSATISFIED, comment="没解决"
        )
        assert petition.step == Step.SUPERVISING
        assert petition.reopen_count == expected_reopens
        workflow.petition_report(
            petition=petition, actor=world.unit_user, result="再次办理", outcome="answered"
        )
    workflow.petition_survey(
        petition=petition, rating=Survey.Rating.UNSATISFIED, comment="还是不满意"
    )
    assert petition.step == Step.CLOSED
    assert list(petition.surveys.values_list("round", "rating")) == [
        (1, "unsatisfied"),
        (2, "unsatisfied"),
        (3, "unsatisfied"),
    ]


def test_the_database_holds_the_reopen_limit(world):
    petition, _ = receive(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Petition.objects.filter(pk=petition.pk).update(reopen_count=3)


def test_a_representative_may_record_a_rating_after_a_phone_call(world):
    petition, _ = receive(world)
    to_step(world, petition, "reported")
    workflow.petition_survey(
        petition=petition, actor=world.rep_a_user, rating=Survey.Rating.BASICALLY
    )
    survey = petition.surveys.get()
    assert not survey.by_citizen
    assert survey.recorded_by == world.rep_a_user
    assert petition.step == Step.CLOSED


def test_events_are_append_only(world):
    petition, _ = receive(world)
    event = petition.events.first()
    event.note = "改写历史"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_it_never_assigns_an_accusation_to_the_unit_it_accuses(world):
    petition, _ = (
        receive(world, category=world.accusation, accused_unit=world.unit)
        if False
        else receive(world)
    )
    Petition.objects.filter(pk=petition.pk).update(
        category=world.accusation, accused_unit=world.unit
    )
    petition.refresh_from_db()
    workflow.petition_collect(
        petition=petition,
        actor=world.county,
        category=world.accusation,
        level="county",
        town=world.town_a,
    )
    with pytest.raises(errors.WorkflowError):
        workflow.petition_assign(petition=petition, actor=world.county, unit=world.unit)


def test_it_numbers_petitions_per_year_and_stores_only_the_token_hash(world):
    first, token = receive(world)
    second, _ = receive(world)
    year = timezone.localdate().year
    assert first.tracking_no == f"ZS-{year}-000001"
    assert second.tracking_no == f"ZS-{year}-000002"
    assert token not in first.token_hash
    assert len(token) >= 32


def test_a_replayed_form_gives_the_same_petition_and_token(world):
    key = uuid.uuid4()
    args = {
        "channel": "qr",
        "text": "路灯坏了好几天了，晚上很黑。",
        "representative": world.rep_a,
        "submit_key": key,
        "consent": True,
    }
    p1, t1, created1 = services.petition_receive(**args)
    p2, t2, created2 = services.petition_receive(**args)
    assert (p1.pk, t1, created1) == (p2.pk, t2, False) or (
        created1 and not created2 and p1.pk == p2.pk and t1 == t2
    )
    assert Petition.objects.count() == 1


def test_allowed_actions_are_the_buttons_for_each_persona(world):
    petition, _ = receive(world)
    names = lambda user: {a.name for a in workflow.allowed_actions(petition, user)}  # noqa: E731
    assert names(world.county) == {"collect", "reject", "merge", "reply"}
    assert names(world.rep_a_user) == {"collect", "reject", "reply"}
    assert names(world.rep_b_user) == set()
    assert names(world.unit_user) == set()
    to_step(world, petition, "assigned")
    # And the one request for more time (issue 9).
    assert names(world.unit_user) == {"accept", "return", "report", "request_extension"}
    assert names(world.other_unit_user) == set()


def test_a_unit_that_returns_an_assignment_lands_on_its_queue(client, world):
    petition, _ = receive(world)
    to_step(world, petition, "assigned")
    client.force_login(world.unit_user)
    response = client.post(
        f"/work/petitions/{petition.pk}/do/return/", {"reason": "属于水利局职责"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/work/"
    assert client.get(response["Location"], follow=True).status_code == 200


def test_the_buttons_cost_one_query_however_many_actions_the_step_has(
    world, django_assert_num_queries
):
    petition, _ = receive(world)
    to_step(world, petition, "assigned")
    for user in (world.county, world.unit_user, world.rep_a_user, world.town_staff_a):
        workflow.allowed_actions(petition, user)  # roles_for caches the user's roles
        with django_assert_num_queries(1):
            assert workflow.allowed_actions(petition, user)


def test_a_transition_judges_the_concern_as_it_is_now_not_as_it_was_loaded(world):
    petition, _ = receive(world)
    # Reclassified as an accusation by someone else since this copy was loaded: only county
    # staff may triage it now.
    Petition.objects.filter(pk=petition.pk).update(category=world.accusation)
    with pytest.raises(errors.TransitionNotAllowed):
        workflow.petition_reject(
            petition=petition, actor=world.town_staff_a, reason="r", guidance="g"
        )
    assert PetitionEvent.objects.filter(petition=petition, action="reject").count() == 0
