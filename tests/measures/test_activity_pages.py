"""The activities' results pages (issue #14, part B): who may open them, the filters, the
figures' lists, the exports, an activity's researched issues and followed sites with their
trail, hostile input, and a constant number of queries."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from liaison.models import Activity
from liaison.models.append_only import AuditRowImmutable
from measures.models import ActivityResultEvent, FollowedSite, ResearchedIssue
from tests.base import make_world
from tests.helpers import page_text, tr
from tests.measures.helpers import (
    Kind,
    Level,
    attend,
    guests,
    make_activity,
    make_reps,
    raise_concerns,
    researched,
    sites,
)

pytestmark = pytest.mark.django_db

PERIOD = "/staff/activity-results/"
PARAMS = {"kind": Kind.DIRECTOR_RECEPTION, "start": "2026-01-01", "end": "2026-06-30"}


@pytest.fixture
def world():
    return make_world(clerks=True)


@pytest.fixture
def places(world):
    """A reception in town A (4 concerns: 3 town, 1 county; 2 present) and one in town B
    (5 concerns), and a county-wide one with no station (1 concern)."""
    a = make_activity(station=world.station_a, title="甲镇接待")
    b = make_activity(station=world.station_b, title="乙镇接待")
    county_wide = make_activity(title="县级接待")
    attend(a, make_reps(2))
    raise_concerns(a, 3, level=Level.TOWN)
    raise_concerns(a, 1, level=Level.COUNTY)
    raise_concerns(b, 5)
    raise_concerns(county_wide, 1)
    return {"a": a, "b": b, "county": county_wide}


def activity_url(activity, tail=""):
    return f"/staff/activities/{activity.pk}/results/{tail}"


def figure(response, name) -> str:
    html = response.content.decode()
    start = html.index(f'id="figure-{name}"')
    return html[start : html.index("</li>", start)]


# --- who may --------------------------------------------------------------------------------


def test_anonymous_are_sent_to_sign_in(client, places):
    a = places["a"]
    for url in (
        PERIOD,
        PERIOD + "export.csv",
        PERIOD + "export.xlsx",
        activity_url(a),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    response = client.post(activity_url(a, "sites/"), {"name": "示范点"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert FollowedSite.objects.count() == 0


@pytest.mark.parametrize("who", ["rep_a_user", "unit_user", "station_staff_a"])
def test_others_get_404(client, world, places, who):
    client.force_login(getattr(world, who))
    assert client.get(PERIOD).status_code == 404
    assert client.get(activity_url(places["a"])).status_code == 404
    assert client.post(activity_url(places["a"], "sites/"), {"name": "示范点"}).status_code == 404
    assert FollowedSite.objects.count() == 0


def test_county_staff_see_every_town(client, world, places):
    client.force_login(world.county)
    response = client.get(PERIOD, PARAMS)
    assert response.status_code == 200
    assert "收集意见建议10条" in page_text(response)
    for activity in places.values():
        assert client.get(activity_url(activity)).status_code == 200


def test_county_staff_filter_a_town(client, world, places):
    client.force_login(world.county)
    response = client.get(PERIOD, {**PARAMS, "town": world.town_b.pk})
    assert "收集意见建议5条" in page_text(response)


def test_town_staff_see_only_their_town(client, world, places):
    client.force_login(world.town_staff_a)
    # Asking for town B still shows town A.
    response = client.get(PERIOD, {**PARAMS, "town": world.town_b.pk})
    assert response.status_code == 200
    text = page_text(response)
    assert "共接待代表2人次，收集意见建议4条，其中镇级解决3条、提交县级1条。" in text
    assert "乙镇接待" not in text and "县级接待" not in text
    assert client.get(activity_url(places["a"])).status_code == 200
    for other in (places["b"], places["county"]):
        assert client.get(activity_url(other)).status_code == 404
        response = client.post(activity_url(other, "sites/"), {"name": "示范点"})
        assert response.status_code == 404
    assert FollowedSite.objects.count() == 0


def test_an_unknown_activity_is_404(client, world):
    client.force_login(world.county)
    assert client.get("/staff/activities/999999/results/").status_code == 404


def test_the_admin_index_links_the_pages(client, world):
    client.force_login(world.county)
    assert PERIOD.encode() in client.get("/admin/").content
    client.force_login(world.station_staff_a)
    assert PERIOD.encode() not in client.get("/admin/").content


# --- the period's page ---------------------------------------------------------------------


def test_the_default_is_this_half_year_and_the_directors_receptions(client, world):
    from measures.activities import half_year

    start, _end = half_year()
    make_activity(on=start, title="本半年的主任接待")
    make_activity(Kind.BRIEFING, on=start, title="本半年的通报会")
    client.force_login(world.county)
    text = page_text(client.get(PERIOD))
    assert "本半年的主任接待" in text and "本半年的通报会" not in text


def test_an_empty_kind_means_every_kind(client, world, places):
    make_activity(Kind.BRIEFING, title="通报会")
    client.force_login(world.county)
    text = page_text(client.get(PERIOD, {**PARAMS, "kind": ""}))
    assert "通报会" in text and "共开展活动4次" in text


def test_hostile_filters_show_a_message_and_the_default(client, world, places):
    client.force_login(world.county)
    response = client.get(PERIOD, {"start": "2026-13-45", "kind": "<script>", "town": "x"})
    assert response.status_code == 200
    text = page_text(response)
    assert tr("Enter a date such as 2026-03-15.") in text
    response = client.get(PERIOD, {**PARAMS, "start": "2026-06-30", "end": "2026-01-01"})
    assert response.status_code == 200
    assert tr("The end of the period is before its start.") in page_text(response)


def test_each_figure_links_to_its_list(client, world, places):
    client.force_login(world.county_clerk)
    response = client.get(PERIOD, PARAMS)
    assert "<a href=" not in figure(response, "answered")
    link = figure(response, "town_level").split('href="')[1].split('"')[0].replace("&amp;", "&")
    listed = client.get(link)
    assert listed.status_code == 200
    shown = {
        p.tracking_no
        for p in places["a"].petitions.all()
        if p.level == Level.TOWN and p.tracking_no in listed.content.decode()
    }
    assert len(shown) == 3
    assert (
        places["b"].petitions.first().tracking_no
        in client.get(
            figure(response, "concerns").split('href="')[1].split('"')[0].replace("&amp;", "&")
        ).content.decode()
    )


def test_the_exports_carry_the_same_numbers(client, world, places):
    client.force_login(world.county)
    xlsx = client.get(PERIOD + "export.xlsx", PARAMS)
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    values = dict(rows)
    assert values[tr("Suggestions and concerns raised")] == 10
    assert values[tr("Solved at town level")] == 3
    assert values[tr("Representatives received (person-times)")] == 2
    assert "收集意见建议10条" in values[tr("Sentence")]
    response = client.get(PERIOD + "export.csv", PARAMS)
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    exported = dict(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert exported[tr("Suggestions and concerns raised")] == "10"
    assert "attachment" in response["Content-Disposition"]


def _fill(world, count):
    reps = make_reps(3)
    for i in range(count):
        activity = make_activity(station=world.station_a, title=f"接待{i}")
        attend(activity, reps)
        raise_concerns(activity, 2, level=Level.TOWN)
        guests(activity, 1)
        researched(activity, 1)
        sites(activity, 1)


def _count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("user", ["county", "town_staff_a"])
def test_the_period_page_queries_do_not_grow(client, world, user):
    client.force_login(getattr(world, user))
    _fill(world, 1)
    one = _count_queries(client, PERIOD, PARAMS)
    _fill(world, 49)
    assert _count_queries(client, PERIOD, PARAMS) == one
    assert _count_queries(client, PERIOD + "export.xlsx", PARAMS) <= one


def test_the_activity_page_queries_do_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.county)
    activity = make_activity(station=world.station_a)
    raise_concerns(activity, 1)
    guests(activity, 1)
    researched(activity, 1)
    sites(activity, 1)
    one = _count_queries(client, activity_url(activity))
    raise_concerns(activity, 49)
    guests(activity, 49)
    researched(activity, 49)
    sites(activity, 49)
    for issue in ResearchedIssue.objects.filter(activity=activity):
        issue.petitions.set(activity.petitions.all()[:3])
    with django_assert_max_num_queries(one):
        assert client.get(activity_url(activity)).status_code == 200


# --- one activity's researched issues and sites -------------------------------------------


def test_staff_add_and_remove_a_researched_issue_with_a_trail(client, world, places):
    a = places["a"]
    concerns = list(a.petitions.order_by("pk")[:2])
    client.force_login(world.town_staff_a)
    response = client.post(
        activity_url(a, "issues/"),
        {
            "title": "农村道路养护",
            "plan": "县交通局牵头制定养护计划",
            "petitions": [p.pk for p in concerns],
        },
    )
    assert response.status_code == 302
    issue = ResearchedIssue.objects.get()
    assert set(issue.petitions.all()) == set(concerns) and issue.created_by == world.town_staff_a
    page = page_text(client.get(activity_url(a)))
    assert "农村道路养护" in page
    event = ActivityResultEvent.objects.get()
    assert (event.kind, event.subject, event.actor) == (
        "issue_added",
        "农村道路养护",
        world.town_staff_a,
    )
    response = client.post(activity_url(a, f"issues/{issue.pk}/remove/"))
    assert response.status_code == 302
    assert ResearchedIssue.objects.count() == 0
    assert ActivityResultEvent.objects.filter(kind="issue_removed", subject="农村道路养护").exists()


def test_staff_add_and_remove_a_followed_site(client, world, places):
    a = places["a"]
    client.force_login(world.county)
    client.post(activity_url(a, "sites/"), {"name": "金米村和美乡村示范点", "problems": "污水管网"})
    site = FollowedSite.objects.get()
    assert site.activity == a
    client.post(activity_url(a, f"sites/{site.pk}/remove/"))
    assert FollowedSite.objects.count() == 0
    assert list(ActivityResultEvent.objects.order_by("pk").values_list("kind", flat=True)) == [
        "site_added",
        "site_removed",
    ]


def test_a_concern_raised_elsewhere_is_refused_and_nothing_saved(client, world, places):
    client.force_login(world.county)
    other = places["b"].petitions.first()
    response = client.post(
        activity_url(places["a"], "issues/"),
        {"title": "共性问题", "plan": "方案", "petitions": [other.pk]},
    )
    assert response.status_code == 400
    assert tr("Choose only concerns raised at this activity.") in page_text(response)
    assert ResearchedIssue.objects.count() == 0 and ActivityResultEvent.objects.count() == 0


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": "", "plan": "方案"}, "Name the common issue."),
        ({"title": "问题", "plan": "   "}, "Write down the plan to solve it."),
        ({"title": "问" * 121, "plan": "方案"}, None),
        ({"title": "问题", "plan": "方案", "petitions": ["abc"]}, None),
    ],
)
def test_hostile_issue_input_is_refused_in_words(client, world, places, fields, message):
    client.force_login(world.county)
    response = client.post(activity_url(places["a"], "issues/"), fields)
    assert response.status_code == 400
    if message:
        assert tr(message) in page_text(response)
    assert ResearchedIssue.objects.count() == 0 and ActivityResultEvent.objects.count() == 0


def test_an_empty_site_is_refused(client, world, places):
    client.force_login(world.county)
    response = client.post(activity_url(places["a"], "sites/"), {"name": " "})
    assert response.status_code == 400
    assert tr("Name the demonstration site.") in page_text(response)
    assert FollowedSite.objects.count() == 0


def test_a_cancelled_activity_takes_no_results(client, world):
    activity = make_activity(is_cancelled=True)
    client.force_login(world.county)
    response = client.post(activity_url(activity, "sites/"), {"name": "示范点"})
    assert response.status_code == 400
    assert tr("This activity was cancelled: its results are not counted.") in page_text(response)
    assert FollowedSite.objects.count() == 0


def test_removing_another_activitys_row_is_404(client, world, places):
    sites(places["b"], 1)
    researched(places["b"], 1)
    site, issue = FollowedSite.objects.get(), ResearchedIssue.objects.get()
    client.force_login(world.county)
    a = places["a"]
    assert client.post(activity_url(a, f"sites/{site.pk}/remove/")).status_code == 404
    assert client.post(activity_url(a, f"issues/{issue.pk}/remove/")).status_code == 404
    assert client.get(activity_url(a, f"sites/{site.pk}/remove/")).status_code == 405
    assert FollowedSite.objects.count() == 1 and ResearchedIssue.objects.count() == 1


def test_the_trail_is_append_only(world, places):
    from measures import activity_services

    site = activity_services.followed_site_add(
        activity=places["a"], name="示范点", actor=world.county
    )
    event = ActivityResultEvent.objects.get()
    with pytest.raises(AuditRowImmutable):
        event.delete()
    with pytest.raises(AuditRowImmutable):
        ActivityResultEvent.objects.update(subject="改")
    assert site.pk


def test_the_activity_page_prints_its_sentence(client, world):
    activity = make_activity(Kind.FACE_TO_FACE, on=date(2026, 3, 1), station=world.station_a)
    guests(activity, 3)
    raise_concerns(activity, 2, handled_on_the_spot=True)
    researched(activity, 1)
    sites(activity, 1)
    client.force_login(world.county)
    text = page_text(client.get(activity_url(activity)))
    assert "3名负责人对2个问题进行解答，现场办理2个，对1个共性问题深入调研" in text
    assert Activity.objects.count() == 1
