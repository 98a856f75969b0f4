"""A walk-in reception stands on its own (issue 9, item 3): a visitor who raises no concern
is recorded by their matter; "一个反馈" and "一个满意" follow from the concern's result and
rating, or are ticked later by the representative; representatives list their own."""

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from petitions import errors, services, workflow
from petitions.models import Petition, PetitionEvent, Reception
from tests.base import make_world, to_step
from tests.helpers import admin_url, page_text

pytestmark = pytest.mark.django_db

TEXT = "村委会门前的路灯坏了一个多月，晚上出行很不方便。"
ROWS = [1, 50]


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def rep_client(client, world):
    client.force_login(world.rep_a_user)
    return client


def _data(world, **overrides):
    data = {
        "submit_key": str(uuid.uuid4()),
        "station": world.station_a.pk,
        "matter": "咨询低保政策",
        "smile": "on",
        "tea": "on",
        # Not offered by the form any more: sent anyway, it ticks nothing.
        "feedback": "on",
        "satisfied": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _reception(world, rep=None, text="", matter="咨询政策"):
    rep = rep or world.rep_a
    reception, _token, _created = services.reception_record(
        representative=rep,
        station=rep.memberships.first().station,
        actor=rep.user,
        text=text,
        matter=matter,
        category=world.category if text else None,
    )
    return reception


def test_a_visitor_without_a_concern_is_recorded_by_their_matter(rep_client, world):
    response = rep_client.post(reverse("petitions:reception_new"), _data(world))
    reception = Reception.objects.get()
    assert response["Location"] == reverse("petitions:reception_detail", args=[reception.pk])
    assert reception.petition is None
    assert reception.matter == "咨询低保政策"
    assert (reception.smile, reception.tea, reception.record) == (True, True, False)
    # Never ticked at intake.
    assert (reception.feedback, reception.satisfied) == (False, False)
    assert not Petition.objects.exists()


def test_a_replayed_reception_without_a_concern_records_one(rep_client, world):
    data = _data(world)
    rep_client.post(reverse("petitions:reception_new"), data)
    rep_client.post(reverse("petitions:reception_new"), data)
    assert Reception.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"matter": ""}, "matter"),
        ({"matter": "长" * 101}, "matter"),
        ({"text": TEXT, "category": ""}, "category"),
        ({"text": "太短"}, "text"),
        ({"text": TEXT, "category": "x", "citizen_phone": "13912345678"}, "consent"),
    ],
)
def test_it_refuses_a_bad_reception_and_records_nothing(rep_client, world, overrides, field):
    if overrides.get("category") == "x":
        overrides["category"] = world.category.pk
    response = rep_client.post(reverse("petitions:reception_new"), _data(world, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Reception.objects.exists()
    assert not Petition.objects.exists()
    assert not PetitionEvent.objects.exists()


def test_the_service_wants_a_matter_or_a_concern(world):
    with pytest.raises(errors.WorkflowError):
        _reception(world, matter="  ")
    assert not Reception.objects.exists()


def test_feedback_and_satisfaction_follow_the_concern(world):
    reception = _reception(world, text=TEXT, matter="")
    petition = reception.petition
    assert not reception.has_feedback and not reception.is_satisfied
    to_step(world, petition, "reported")
    reception = Reception.objects.select_related("petition").get()
    assert reception.has_feedback and not reception.is_satisfied
    workflow.petition_survey(petition=reception.petition, rating="basically")
    reception = Reception.objects.select_related("petition").get()
    assert reception.has_feedback and reception.is_satisfied
    assert [done for _label, done in reception.checklist_state()][-2:] == [True, True]


def test_an_unsatisfied_rating_is_no_satisfied_visitor(world):
    reception = _reception(world, text=TEXT, matter="")
    to_step(world, reception.petition, "reported")
    workflow.petition_survey(petition=reception.petition, rating="unsatisfied")
    reception = Reception.objects.select_related("petition").get()
    assert reception.has_feedback and not reception.is_satisfied


def test_the_representative_ticks_a_concern_less_reception_later(rep_client, world):
    reception = _reception(world)
    url = reverse("petitions:reception_detail", args=[reception.pk])
    assert "咨询政策" in page_text(rep_client.get(url))
    response = rep_client.post(url, {"feedback": "on", "satisfied": "on"})
    assert response["Location"] == url
    reception.refresh_from_db()
    assert reception.has_feedback and reception.is_satisfied


def test_a_reception_with_a_concern_cannot_be_ticked_by_hand(rep_client, world):
    reception = _reception(world, text=TEXT)
    url = reverse("petitions:reception_detail", args=[reception.pk])
    response = rep_client.post(url, {"feedback": "on", "satisfied": "on"})
    assert response.status_code == 400
    reception.refresh_from_db()
    assert (reception.feedback, reception.satisfied) == (False, False)
    with pytest.raises(errors.WorkflowError):
        services.reception_tick(
            reception=reception, representative=world.rep_a, feedback=True, satisfied=True
        )


def test_other_representatives_receptions_are_404(rep_client, world):
    theirs = _reception(world, rep=world.rep_b)
    url = reverse("petitions:reception_detail", args=[theirs.pk])
    assert rep_client.get(url).status_code == 404
    assert rep_client.post(url, {"feedback": "on"}).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.feedback
    with pytest.raises(errors.WorkflowError):
        services.reception_tick(
            reception=theirs, representative=world.rep_a, feedback=True, satisfied=True
        )


def test_non_representatives_get_no_reception_pages(client, world):
    reception = _reception(world)
    client.force_login(world.county)
    response = client.post(
        reverse("petitions:reception_detail", args=[reception.pk]), {"feedback": "on"}
    )
    assert response.status_code == 403
    assert client.get(reverse("petitions:reception_list")).status_code == 200
    reception.refresh_from_db()
    assert not reception.feedback


def test_the_list_shows_only_ones_own_receptions_newest_first(rep_client, world):
    first = _reception(world, matter="第一位来访者")
    second = _reception(world, text=TEXT, matter="")
    _reception(world, rep=world.rep_b, matter="别人的来访者")
    response = rep_client.get(reverse("petitions:reception_list"))
    assert list(response.context["page"].object_list) == [second, first]
    text = page_text(response)
    assert "第一位来访者" in text and second.petition.tracking_no in text
    assert "别人的来访者" not in text


SESSION_AND_USER = 2
# roles (scope, representative, memberships, units), the count, the page, the unread notices.
RECEPTION_LIST_QUERIES = SESSION_AND_USER + 4 + 1 + 1 + 1


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_the_reception_list_in_constant_queries(
    rep_client, world, django_assert_num_queries, rows
):
    for index in range(rows):
        _reception(world, text=TEXT if index % 2 else "", matter=f"来访{index}")
    with django_assert_num_queries(RECEPTION_LIST_QUERIES):
        response = rep_client.get(reverse("petitions:reception_list"))
    assert response.context["page"].paginator.count == rows


# --- the admin: receptions without a concern, scoped by their station -----------------------


def _admin_list(client, user):
    user.user_permissions.add(Permission.objects.get(codename="view_reception"))
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client.get(admin_url("petitions.Reception", "changelist"))


def test_staff_see_concern_less_receptions_of_their_area(client, world):
    ours = _reception(world, matter="甲站来访")
    theirs = _reception(world, rep=world.rep_b, matter="乙站来访")
    with_concern = _reception(world, text=TEXT, matter="")
    town_a = {r.pk for r in _admin_list(client, world.town_staff_a).context["cl"].result_list}
    assert town_a == {ours.pk, with_concern.pk}
    county = {r.pk for r in _admin_list(client, world.county).context["cl"].result_list}
    assert county == {ours.pk, theirs.pk, with_concern.pk}
    station = {r.pk for r in _admin_list(client, world.station_staff_a).context["cl"].result_list}
    assert station == {ours.pk, with_concern.pk}
