"""A handling unit's page (issue #3, item 8): what was assigned to it, open ones first,
with deadlines and yellow/red marks; the work page lets it accept, return and report."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.models import Petition, Step
from tests.base import make_user, make_world, receive, to_step
from tests.helpers import in_site_language, page_text, tags, tr

pytestmark = pytest.mark.django_db

ROWS = [1, 50]
SESSION_AND_USER = 2
# roles (scope, representative, units), the counts, the page's count and rows, the unit
# names, the unread notices in the header.
UNIT_LIST_QUERIES = SESSION_AND_USER + 3 + 1 + 2 + 1 + 1


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def unit_client(client, world):
    client.force_login(world.unit_user)
    return client


def _listed(response):
    return [p.tracking_no for p in response.context["page"].object_list]


def _assigned(world, step="assigned", unit=None):
    petition, _ = receive(world)
    to_step(world, petition, step)
    if unit is not None:
        Petition.objects.filter(pk=petition.pk).update(unit=unit)
    petition.refresh_from_db()
    return petition


def test_it_lists_only_the_units_own_concerns(unit_client, world):
    mine = _assigned(world)
    theirs = _assigned(world, unit=world.other_unit)
    receive(world)  # not assigned to anyone
    response = unit_client.get(reverse("petitions:unit_list"))
    assert response.status_code == 200
    assert _listed(response) == [mine.tracking_no]
    assert theirs.tracking_no not in page_text(response)
    assert world.unit.name in page_text(response)


def test_it_answers_404_on_the_work_page_of_another_units_concern(unit_client, world):
    theirs = _assigned(world, unit=world.other_unit)
    response = unit_client.get(reverse("petitions:work_detail", args=[theirs.pk]))
    assert response.status_code == 404


def test_it_never_lists_an_accusation_against_the_unit(unit_client, world):
    accusation = _assigned(world)
    Petition.objects.filter(pk=accusation.pk).update(
        category=world.accusation, accused_unit=world.unit
    )
    response = unit_client.get(reverse("petitions:unit_list"))
    assert _listed(response) == []
    assert response.context["counts"]["all"] == 0
    assert (
        unit_client.get(reverse("petitions:work_detail", args=[accusation.pk])).status_code == 404
    )


def test_it_lists_open_concerns_first_then_by_deadline(unit_client, world):
    today = timezone.localdate()
    finished = _assigned(world, "closed")
    later = _assigned(world)
    sooner = _assigned(world, "supervising")
    Petition.objects.filter(pk=later.pk).update(deadline=today + timedelta(days=20))
    Petition.objects.filter(pk=sooner.pk).update(deadline=today + timedelta(days=2))
    response = unit_client.get(reverse("petitions:unit_list"))
    assert _listed(response) == [sooner.tracking_no, later.tracking_no, finished.tracking_no]
    assert response.context["counts"] == {"all": 3, "open": 2, "finished": 1, "overdue": 0}


def test_it_filters_open_and_finished_concerns(unit_client, world):
    open_one = _assigned(world, "supervising")
    done = _assigned(world, "reported")
    url = reverse("petitions:unit_list")
    assert _listed(unit_client.get(url, {"show": "open"})) == [open_one.tracking_no]
    assert _listed(unit_client.get(url, {"show": "finished"})) == [done.tracking_no]
    assert len(_listed(unit_client.get(url, {"show": "nonsense"}))) == 2


def test_it_marks_yellow_red_and_past_deadline_concerns(unit_client, world):
    today = timezone.localdate()
    yellow = _assigned(world)
    red = _assigned(world, "supervising")
    late = _assigned(world)
    Petition.objects.filter(pk=yellow.pk).update(warning=Petition.Warning.YELLOW)
    Petition.objects.filter(pk=red.pk).update(
        warning=Petition.Warning.RED, deadline=today - timedelta(days=3)
    )
    # Past its deadline before the overdue job came round: marked all the same.
    Petition.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=1))
    response = unit_client.get(reverse("petitions:unit_list"))
    classes = [a.get("class", "") for a in tags(response, "span")]
    assert sum("warn-yellow" in c for c in classes) == 1
    assert sum("warn-red" in c for c in classes) == 2
    rows = {p.tracking_no: p for p in response.context["page"].object_list}
    assert rows[late.tracking_no].is_overdue and rows[red.tracking_no].is_overdue
    assert not rows[yellow.tracking_no].is_overdue
    assert response.context["counts"]["overdue"] == 2
    text = page_text(response)
    assert tr("Past the deadline") in text
    assert in_site_language(Petition.Warning.YELLOW.label) in text


def test_each_row_leads_to_the_work_page_where_the_unit_acts(unit_client, world):
    petition = _assigned(world)
    response = unit_client.get(reverse("petitions:unit_list"))
    work_url = reverse("petitions:work_detail", args=[petition.pk])
    assert work_url in [a["href"] for a in tags(response, "a")]
    work = unit_client.get(work_url)
    actions = [a.name for a, _form in work.context["action_forms"]]
    assert {"accept", "return", "report"} <= set(actions)


def test_the_unit_accepts_and_reports_from_the_work_page(unit_client, world):
    petition = _assigned(world)
    unit_client.post(reverse("petitions:work_action", args=[petition.pk, "accept"]))
    petition.refresh_from_db()
    assert petition.step == Step.SUPERVISING
    unit_client.post(
        reverse("petitions:work_action", args=[petition.pk, "report"]),
        {"result": "已完成维修。", "outcome": Petition.Outcome.SOLVED},
    )
    petition.refresh_from_db()
    assert petition.step == Step.REPORTED
    assert _listed(unit_client.get(reverse("petitions:unit_list"), {"show": "finished"})) == [
        petition.tracking_no
    ]


def test_the_work_home_leads_a_unit_member_to_the_unit_page(unit_client):
    response = unit_client.get(reverse("petitions:work_home"))
    assert response["Location"] == reverse("petitions:unit_list")


def test_it_shows_a_friendly_page_to_someone_in_no_unit(client, world):
    client.force_login(make_user())
    response = client.get(reverse("petitions:unit_list"))
    assert response.status_code == 200
    assert tr(
        "Your account does not belong to any active handling unit. Congress staff can add "
        "you to your unit in the administration."
    ) in page_text(response)
    # A representative is not a unit either, and sees none of its own concerns here.
    receive(world)
    client.force_login(world.rep_a_user)
    assert "page" not in client.get(reverse("petitions:unit_list")).context


def test_an_inactive_unit_sees_nothing(unit_client, world):
    _assigned(world)
    world.unit.is_active = False
    world.unit.save(update_fields=["is_active"])
    response = unit_client.get(reverse("petitions:unit_list"))
    assert "page" not in response.context


def test_it_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get(reverse("petitions:unit_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_the_unit_page_in_constant_queries(
    client, world, django_assert_num_queries, rows
):
    for index in range(rows):
        _assigned(world, ["assigned", "supervising", "reported"][index % 3])
    client.force_login(world.unit_user)
    with django_assert_num_queries(UNIT_LIST_QUERIES):
        response = client.get(reverse("petitions:unit_list"))
    assert len(response.context["page"].object_list) == rows
