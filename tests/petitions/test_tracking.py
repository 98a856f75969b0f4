"""The secret tracking link: the six steps with dates, public replies, the unit's result,
and the citizen's rating; never the citizen's name or phone; 404 for anything else."""

import pytest
from django.conf import settings
from django.urls import reverse

from petitions import workflow
from petitions.models import Petition, PetitionEvent, Step, Survey
from petitions.tracking import tracking_url
from tests.base import make_county_staff, make_unit
from tests.helpers import in_site_language, page_text, tags, tr
from tests.petitions.citizen_helpers import (
    category,
    drive_to_reported,
    rep_at_one_station,
    rep_url,
    report_again,
    submit,
    tracking_path,
)

pytestmark = pytest.mark.django_db

NAME, PHONE = "王小明", "13800138000"


@pytest.fixture
def posted(client):
    """A concern posted through the form, with a name and a phone: (petition, token)."""
    rep, _station = rep_at_one_station()
    _response, petition, token = submit(client, rep_url(rep), name=NAME, mobile=PHONE)
    return petition, token


def survey_url(token):
    return reverse("petitions:track_survey", args=[token])


def assert_no_personal_data(response):
    html = response.content.decode()
    for secret in (NAME, PHONE, "138****8000"):
        assert secret not in html


def step_rows(response):
    return {row["step"]: row for row in response.context["steps"]}


# --- the page ------------------------------------------------------------------------------


def test_it_shows_a_received_concern_and_its_six_steps(client, posted):
    petition, token = posted
    response = client.get(tracking_path(token))

    assert response.status_code == 200
    text = page_text(response)
    assert petition.tracking_no in text
    assert petition.text in text
    for step in (Step.RECEIVED, Step.COLLECTED, Step.ASSIGNED, Step.SUPERVISING):
        assert in_site_language(Step(step).label) in text
    rows = step_rows(response)
    assert list(rows) == [
        "received",
        "collected",
        "assigned",
        "supervising",
        "reported",
        "surveyed",
    ]
    assert rows["received"]["state"] == "current"
    assert rows["received"]["date"] is not None
    assert rows["collected"]["state"] == "todo"
    assert_no_personal_data(response)


def test_it_keeps_the_link_out_of_indexes_caches_and_referers(client, posted):
    _petition, token = posted
    response = client.get(tracking_path(token))
    assert {"name": "robots", "content": "noindex"} in tags(response, "meta")
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


@pytest.mark.parametrize("token", ["D" * 32, "short", "E" * 65, "../../etc/passwd"])
def test_it_answers_404_to_any_other_token(client, posted, token):
    assert client.get(f"/t/{token}/").status_code == 404


def test_it_dates_each_step_from_the_public_history(client, posted):
    petition, token = posted
    drive_to_reported(petition)
    response = client.get(tracking_path(token))

    rows = step_rows(response)
    for step in ("received", "collected", "assigned", "supervising"):
        assert rows[step]["state"] == "done"
        assert rows[step]["date"] is not None
    assert rows["reported"]["state"] == "current"
    assert rows["surveyed"]["state"] == "todo"
    text = page_text(response)
    assert "路面已修复，积水已排除。" in text
    assert in_site_language(Petition.Outcome.SOLVED.label) in text
    assert petition.unit.name in text
    assert_no_personal_data(response)


def test_it_shows_public_replies_and_hides_staff_notes(client, posted):
    petition, token = posted
    petition = drive_to_reported(petition)
    staff = make_county_staff()
    workflow.petition_add_note(petition=petition, actor=staff, note="内部督办意见：请尽快")
    workflow.petition_reply(petition=petition, actor=staff, text="您好，已转交县交通运输局。")
    text = page_text(client.get(tracking_path(token)))
    assert "您好，已转交县交通运输局。" in text
    assert "内部督办意见" not in text
    # Staff names never show either.
    assert staff.username not in text


def test_it_never_shows_staff_instructions_even_if_they_copy_the_citizens_phone(client, posted):
    petition, token = posted
    staff = make_county_staff()
    unit, _member = make_unit()
    workflow.petition_collect(
        petition=petition,
        actor=staff,
        category=category(),
        level=Petition.Level.COUNTY,
        town=petition.town,
        note=f"核实：来电人{NAME}",
    )
    workflow.petition_assign(
        petition=petition, actor=staff, unit=unit, note=f"请联系群众{NAME} {PHONE}"
    )
    response = client.get(tracking_path(token))
    # The steps show, their internal notes do not.
    assert step_rows(response)["assigned"]["state"] == "current"
    assert_no_personal_data(response)


def test_it_explains_a_concern_not_accepted(client, posted):
    petition, token = posted
    workflow.petition_reject(
        petition=petition,
        actor=make_county_staff(),
        reason="属于司法程序事项",
        guidance="请向县法院咨询",
    )
    response = client.get(tracking_path(token))
    text = page_text(response)
    assert tr("Your concern was not accepted") in text
    assert "属于司法程序事项" in text
    assert "请向县法院咨询" in text
    assert step_rows(response)["assigned"]["state"] == "stopped"
    assert response.context["survey_form"] is None


def test_it_shows_the_common_issue_a_concern_was_merged_into(client, posted):
    petition, token = posted
    rep, _station = rep_at_one_station()
    _r, common, _t = submit(client, rep_url(rep))
    workflow.petition_merge(petition=petition, actor=make_county_staff(), into=common)
    text = page_text(client.get(tracking_path(token)))
    assert tr("Merged into a common issue") in text
    assert common.tracking_no in text


# --- the survey ------------------------------------------------------------------------------


def test_it_offers_the_survey_only_once_the_result_is_reported(client, posted):
    petition, token = posted
    assert client.get(tracking_path(token)).context["survey_form"] is None
    drive_to_reported(petition)
    response = client.get(tracking_path(token))
    assert response.context["survey_form"] is not None
    values = {i.get("value") for i in tags(response, "input") if i.get("name") == "rating"}
    assert values == {"satisfied", "basically", "unsatisfied"}
    forms = [f for f in tags(response, "form") if f.get("action") == survey_url(token)]
    assert forms and forms[0]["method"] == "post"


def test_the_citizen_rates_unsatisfied_then_satisfied_and_the_concern_closes(client, posted):
    petition, token = posted
    petition = drive_to_reported(petition)

    response = client.post(survey_url(token), {"rating": "unsatisfied", "comment": "积水仍在"})
    assert response.status_code == 302
    assert response["Location"] == tracking_path(token)
    petition.refresh_from_db()
    assert petition.step == Step.SUPERVISING
    assert petition.reopen_count == 1
    page = client.get(tracking_path(token))
    text = page_text(page)
    assert tr("Thank you: your rating has been recorded.") in text
    assert "积水仍在" in text
    assert (
        tr("You were not satisfied with this result: the unit is working on your concern again.")
        in text
    )
    rows = step_rows(page)
    assert rows["supervising"]["state"] == "current"
    assert rows["reported"]["state"] == "todo"
    assert page.context["survey_form"] is None

    report_again(petition)
    response = client.post(survey_url(token), {"rating": "satisfied"})
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.step == Step.CLOSED
    surveys = list(Survey.objects.filter(petition=petition))
    assert [s.rating for s in surveys] == ["unsatisfied", "satisfied"]
    assert all(s.by_citizen and s.recorded_by is None for s in surveys)
    page = client.get(tracking_path(token))
    assert all(row["state"] == "done" for row in page.context["steps"])
    assert_no_personal_data(page)


def test_a_second_rating_of_the_same_result_is_refused_with_a_message(client, posted):
    petition, token = posted
    drive_to_reported(petition)
    client.post(survey_url(token), {"rating": "satisfied"})
    response = client.post(survey_url(token), {"rating": "unsatisfied"})
    assert response.status_code == 403
    assert tr("This concern is not waiting for your rating.") in page_text(response)
    assert Survey.objects.count() == 1


def test_a_rating_before_the_result_is_refused(client, posted):
    _petition, token = posted
    response = client.post(survey_url(token), {"rating": "satisfied"})
    assert response.status_code == 403
    assert Survey.objects.count() == 0


@pytest.mark.parametrize(
    "data", [{}, {"rating": "delighted"}, {"rating": "satisfied", "comment": "长" * 1001}]
)
def test_a_bad_rating_form_is_refused_with_a_message(client, posted, data):
    petition, token = posted
    drive_to_reported(petition)
    response = client.post(survey_url(token), data)
    assert response.status_code == 400
    assert Survey.objects.count() == 0
    petition.refresh_from_db()
    assert petition.step == Step.REPORTED


def test_the_survey_needs_a_valid_token_and_a_get_goes_back_to_the_tracking_page(client, posted):
    _petition, token = posted
    assert client.post(survey_url("F" * 32), {"rating": "satisfied"}).status_code == 404
    response = client.get(survey_url(token))
    assert response.status_code == 302
    assert response["Location"] == f"/t/{token}/"


# --- constant queries ------------------------------------------------------------------------

# The petition with its category, unit and common issue; photos; events; the result's
# attachments shown to the citizen (issue 13).
TRACKING_PAGE_QUERIES = 4


@pytest.mark.parametrize("events", [1, 50])
def test_the_tracking_page_runs_the_same_queries_for_1_and_50_events(
    client, django_assert_num_queries, posted, events
):
    petition, token = posted
    if events > 1:
        petition = drive_to_reported(petition)
        staff = make_county_staff()
        while PetitionEvent.objects.filter(petition=petition, is_public=True).count() < events:
            workflow.petition_reply(petition=petition, actor=staff, text="进展通报")
    assert PetitionEvent.objects.filter(petition=petition, is_public=True).count() == events
    with django_assert_num_queries(TRACKING_PAGE_QUERIES):
        response = client.get(tracking_path(token))
    assert response.status_code == 200
    assert len(response.context["events"]) == events


def test_it_shows_the_tracking_link_as_an_absolute_url(client, posted):
    _petition, token = posted
    assert tracking_url(token) == settings.SITE_URL + f"/t/{token}/"
