"""The key issues' pages: list, detail, create, edit, note, state, coverage; their scope
(out of scope is 404), constant queries, and bad input shown in Chinese."""

import pytest
from django.urls import reverse
from django.utils import timezone

from keyissues.models import KeyIssue, KeyIssueNote
from liaison.models import StaffScope
from tests.base import make_staff, make_station, make_user, make_world, receive
from tests.helpers import page_text, tr
from tests.keyissues.helpers import make_issue, solve, this_quarter

pytestmark = pytest.mark.django_db

ROWS = [1, 50]
# Session and user (2), who the user is (scope, units: 2), the count and the page's rows
# with their stations and towns (2), their representatives (1), whether they may create
# (1), the filter's towns and stations (2), the header's badge and calendar banner (3).
LIST_QUERIES = 13
# Session and user, who the user is, the quarter's issues with their stations, the active
# stations, the header's badge and calendar banner.
COVERAGE_QUERIES = 9


@pytest.fixture
def world():
    return make_world()


def _in(client, user):
    client.force_login(user)
    return client


# --- list ----------------------------------------------------------------------------------


def test_it_lists_this_quarters_issues_by_default(client, world):
    year, quarter = this_quarter()
    make_issue(world, title="本季问题")
    make_issue(world, title="上季问题", quarter=quarter % 4 + 1)
    response = _in(client, world.county).get(reverse("keyissues:list"))
    assert response.status_code == 200
    text = page_text(response)
    assert "本季问题" in text and "上季问题" not in text


def test_it_filters_by_state_and_station(client, world):
    solve(world, make_issue(world, title="道路问题"))
    make_issue(world, title="停车问题")
    make_issue(world, title="饮水问题", station=world.station_b)
    _in(client, world.county)

    def titles(**params):
        response = client.get(reverse("keyissues:list"), params)
        return {issue.title for issue in response.context["page"].object_list}

    assert titles(state="solved") == {"道路问题"}
    assert titles(station=world.station_b.pk) == {"饮水问题"}
    assert titles(town=world.town_a.pk) == {"道路问题", "停车问题"}
    # An invalid filter is ignored, never a 500.
    assert client.get(reverse("keyissues:list"), {"quarter": "9", "town": "x"}).status_code == 200


def test_scope_of_the_list(client, world):
    make_issue(world, title="甲站问题")
    make_issue(world, title="乙站问题", station=world.station_b)
    for user, sees, never in [
        (world.town_staff_a, "甲站问题", "乙站问题"),
        (world.town_staff_b, "乙站问题", "甲站问题"),
        (world.station_staff_a, "甲站问题", "乙站问题"),
        (world.rep_a_user, "甲站问题", "乙站问题"),
        (world.rep_b_user, "乙站问题", "甲站问题"),
    ]:
        text = page_text(_in(client, user).get(reverse("keyissues:list")))
        assert sees in text and never not in text, user


def test_the_list_is_404_for_nobody_and_sends_anonymous_to_sign_in(client, world):
    assert client.get(reverse("keyissues:list")).status_code == 302
    assert _in(client, make_user()).get(reverse("keyissues:list")).status_code == 404
    assert _in(client, world.unit_user).get(reverse("keyissues:list")).status_code == 404


@pytest.mark.parametrize("rows", ROWS)
def test_it_lists_in_constant_queries(client, world, django_assert_num_queries, rows):
    year, quarter = this_quarter()
    for n in range(rows):
        station = make_station(town=world.town_a)
        KeyIssue.objects.create(station=station, year=year, quarter=quarter, title=f"问题{n}")
    _in(client, world.county)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("keyissues:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(rows, 25)


# --- detail, scope -------------------------------------------------------------------------


def test_it_shows_an_issue_with_its_concerns_and_notes(client, world):
    petition, _ = receive(world)
    issue = make_issue(world, petitions=[petition])
    KeyIssueNote.objects.create(
        issue=issue, date=timezone.localdate(), text="已召开协调会", by=world.county
    )
    response = _in(client, world.rep_a_user).get(issue.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert petition.tracking_no in text and "已召开协调会" in text
    assert response.context["may_note"] and not response.context["may_edit"]


@pytest.mark.parametrize(
    "who", ["town_staff_b", "rep_b_user", "unit_user", "nobody", "station_staff_b"]
)
def test_another_towns_or_stations_people_get_404(client, world, who):
    issue = make_issue(world)
    if who == "nobody":
        user = make_user()
    elif who == "station_staff_b":
        user = make_staff(level=StaffScope.Level.STATION, station=world.station_b)
    else:
        user = getattr(world, who)
    _in(client, user)
    for name in ("detail", "edit"):
        assert client.get(reverse(f"keyissues:{name}", args=[issue.pk])).status_code == 404
    for name, data in [
        ("note", {"text": "x"}),
        ("state", {"from_state": "planned", "state": "in_progress"}),
    ]:
        assert client.post(reverse(f"keyissues:{name}", args=[issue.pk]), data).status_code == 404
    assert not KeyIssueNote.objects.exists()


def test_a_hostile_id_is_404(client, world):
    _in(client, world.county)
    assert client.get(reverse("keyissues:detail", args=[999999])).status_code == 404
    assert client.get("/key-issues/abc/").status_code == 404


# --- notes and state -----------------------------------------------------------------------


def test_a_representative_on_it_adds_a_note(client, world):
    issue = make_issue(world)
    response = _in(client, world.rep_a_user).post(
        reverse("keyissues:note", args=[issue.pk]), {"text": "已走访十户群众"}
    )
    assert response.status_code == 302
    note = KeyIssueNote.objects.get(issue=issue)
    assert note.by == world.rep_a_user and note.date == timezone.localdate()


def test_a_member_not_on_it_may_not_add_a_note(client, world):
    issue = make_issue(world, reps=[])
    response = _in(client, world.rep_a_user).post(
        reverse("keyissues:note", args=[issue.pk]), {"text": "x"}
    )
    assert response.status_code == 404
    assert not KeyIssueNote.objects.exists()


def test_a_bad_note_is_shown_in_chinese(client, world):
    issue = make_issue(world)
    _in(client, world.rep_a_user)
    future = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    response = client.post(
        reverse("keyissues:note", args=[issue.pk]), {"text": "x", "date": future}
    )
    assert response.status_code == 400
    assert tr("A progress note cannot be dated in the future.") in page_text(response)
    response = client.post(reverse("keyissues:note", args=[issue.pk]), {"text": ""})
    assert response.status_code == 400
    assert not KeyIssueNote.objects.exists()


def test_a_representative_may_not_change_the_state(client, world):
    issue = make_issue(world)
    response = _in(client, world.rep_a_user).post(
        reverse("keyissues:state", args=[issue.pk]),
        {"from_state": "planned", "state": "solved", "result": "x"},
    )
    assert response.status_code == 404
    issue.refresh_from_db()
    assert issue.state == "planned"


def test_staff_conclude_an_issue(client, world):
    issue = make_issue(world)
    response = _in(client, world.station_staff_a).post(
        reverse("keyissues:state", args=[issue.pk]),
        {"from_state": "planned", "state": "solved", "result": "排水沟已修好"},
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.state == "solved" and issue.result_date == timezone.localdate()


def test_concluding_without_a_result_is_refused_in_chinese(client, world):
    issue = make_issue(world)
    response = _in(client, world.county).post(
        reverse("keyissues:state", args=[issue.pk]), {"from_state": "planned", "state": "solved"}
    )
    assert response.status_code == 400
    assert tr("Write the result of the key issue.") in page_text(response)
    issue.refresh_from_db()
    assert issue.state == "planned"


def test_a_stale_state_form_is_a_conflict(client, world):
    issue = make_issue(world)
    _in(client, world.county)
    url = reverse("keyissues:state", args=[issue.pk])
    assert client.post(url, {"from_state": "planned", "state": "in_progress"}).status_code == 302
    response = client.post(url, {"from_state": "planned", "state": "solved", "result": "x"})
    assert response.status_code == 409
    issue.refresh_from_db()
    assert issue.state == "in_progress"


# --- create and edit -----------------------------------------------------------------------


def test_station_staff_create_an_issue(client, world):
    petition, _ = receive(world)
    year, quarter = this_quarter()
    _in(client, world.station_staff_a)
    assert client.get(reverse("keyissues:create")).status_code == 200
    response = client.post(
        reverse("keyissues:create"),
        {
            "station": world.station_a.pk,
            "year": year,
            "quarter": quarter,
            "title": "集镇停车难",
            "topic": "赶集日车辆乱停",
            "plan": "划线、引导",
            "petitions": [petition.pk],
            "representatives": [world.rep_a.pk],
        },
    )
    assert response.status_code == 302
    issue = KeyIssue.objects.get(title="集镇停车难")
    assert issue.created_by == world.station_staff_a
    assert list(issue.petitions.all()) == [petition]


def test_the_third_issue_is_refused_in_chinese(client, world):
    make_issue(world, title="一")
    make_issue(world, title="二")
    year, quarter = this_quarter()
    response = _in(client, world.town_staff_a).post(
        reverse("keyissues:create"),
        {"station": world.station_a.pk, "year": year, "quarter": quarter, "title": "三"},
    )
    assert response.status_code == 400
    assert "2" in page_text(response)
    assert KeyIssue.objects.count() == 2


def test_a_title_is_needed(client, world):
    year, quarter = this_quarter()
    response = _in(client, world.county).post(
        reverse("keyissues:create"),
        {"station": world.station_a.pk, "year": year, "quarter": quarter, "title": ""},
    )
    assert response.status_code == 400
    assert not KeyIssue.objects.exists()


def test_staff_may_not_create_for_another_towns_station(client, world):
    _in(client, world.town_staff_a)
    response = client.get(reverse("keyissues:create"), {"station": world.station_b.pk})
    assert response.status_code == 404
    response = client.post(
        reverse("keyissues:create"), {"station": world.station_b.pk, "title": "x"}
    )
    assert response.status_code == 404
    assert _in(client, world.rep_a_user).get(reverse("keyissues:create")).status_code == 404
    assert not KeyIssue.objects.exists()


def test_county_staff_pick_a_station_first(client, world):
    response = _in(client, world.county).get(reverse("keyissues:create"))
    assert response.status_code == 200
    assert "keyissues/pick_station.html" in [t.name for t in response.templates]


def test_staff_edit_an_issue(client, world):
    issue = make_issue(world)
    response = _in(client, world.town_staff_a).post(
        reverse("keyissues:edit", args=[issue.pk]),
        {
            "station": world.station_a.pk,
            "title": "改后的",
            "plan": "新方案",
            "representatives": [world.rep_a.pk],
        },
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.title == "改后的"


# --- coverage ------------------------------------------------------------------------------


def test_coverage_shows_the_stations_with_none_recomputed_by_hand(client, world):
    third = make_station(town=world.town_a, name="丙站")
    make_station(town=world.town_b, name="停用站", is_active=False)
    make_issue(world, title="甲站问题")
    solve(world, make_issue(world, title="甲站问题二"))
    response = _in(client, world.county).get(reverse("keyissues:coverage"))
    assert response.status_code == 200
    without = {s.name for s in response.context["without"]}
    # Active stations: 甲站, 乙站, 丙站; 甲站 has two issues → 乙站 and 丙站 have none.
    assert without == {world.station_b.name, third.name}
    states = sorted(i.state for i in response.context["issues"])
    assert states == ["planned", "solved"]
    assert response.context["station_count"] == 3


def test_coverage_of_a_town_is_its_stations_only(client, world):
    response = _in(client, world.town_staff_a).get(reverse("keyissues:coverage"))
    assert {s.name for s in response.context["without"]} == {world.station_a.name}


def test_coverage_is_for_staff_only(client, world):
    assert _in(client, world.rep_a_user).get(reverse("keyissues:coverage")).status_code == 404
    assert _in(client, make_user()).get(reverse("keyissues:coverage")).status_code == 404


@pytest.mark.parametrize("rows", ROWS)
def test_coverage_in_constant_queries(client, world, django_assert_num_queries, rows):
    year, quarter = this_quarter()
    for n in range(rows):
        station = make_station(town=world.town_a)
        if n % 2:
            KeyIssue.objects.create(station=station, year=year, quarter=quarter, title=f"问题{n}")
    _in(client, world.county)
    with django_assert_num_queries(COVERAGE_QUERIES):
        assert client.get(reverse("keyissues:coverage")).status_code == 200
