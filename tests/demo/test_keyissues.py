"""The demo's rhythm and key issues (issue #11): the pages are filled."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from demo import keyissues as demo_keyissues
from demo import rhythm as demo_rhythm
from demo.logins import DEMO_COUNTY_STAFF, DEMO_REPRESENTATIVE_NAME
from keyissues.models import KeyIssue, KeyIssueNote
from keyissues.services import quarter_of
from liaison.models import Representative, Station, Theme
from points.models import PointEntry
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def _quarter():
    today = timezone.localdate()
    return today.year, quarter_of(today)


def test_it_sets_this_years_rhythm():
    assert Theme.objects.filter(year=timezone.localdate().year).count() == 17
    assert Theme.objects.get(kind="year").title == "推进基层治理·共建和美乡村"


def test_the_station_pages_show_the_themes(client):
    station = Station.objects.get(slug="xingping-center")
    text = page_text(client.get(station.get_absolute_url()))
    assert "推进基层治理·共建和美乡村" in text


def test_most_stations_have_key_issues_this_quarter_in_every_state():
    year, quarter = _quarter()
    issues = KeyIssue.objects.filter(year=year, quarter=quarter)
    stations = Station.objects.active()
    without = stations.exclude(key_issues__in=issues).count()
    assert 2 <= without <= 3
    assert set(issues.values_list("state", flat=True)) == set(KeyIssue.State.values)
    assert KeyIssueNote.objects.filter(issue__in=issues).exists()
    assert issues.filter(petitions__isnull=False).exists()


def test_the_coverage_page_lists_the_stations_with_none(client):
    client.force_login(get_user_model().objects.get(username=DEMO_COUNTY_STAFF[0]))
    response = client.get(reverse("keyissues:coverage"))
    assert response.status_code == 200
    assert 2 <= len(response.context["without"]) <= 3


def test_the_demo_representative_is_on_a_key_issue_in_progress(client):
    rep = Representative.objects.get(name=DEMO_REPRESENTATIVE_NAME)
    year, quarter = _quarter()
    issues = KeyIssue.objects.filter(representatives=rep, year=year, quarter=quarter)
    assert {i.state for i in issues} == {"in_progress"}
    issue = issues.first()
    client.force_login(rep.user)
    assert issue.title in page_text(client.get(reverse("keyissues:list")))
    assert client.get(issue.get_absolute_url()).context["may_note"]


def test_last_quarters_solved_issues_earned_points():
    year, quarter = _quarter()
    if quarter == 1:
        pytest.skip("last quarter is in last year")
    solved = KeyIssue.objects.filter(year=year, quarter=quarter - 1, state="solved")
    assert solved.count() >= 5
    assert PointEntry.objects.filter(
        source=PointEntry.Source.KEY_ISSUE, source_id__in=solved.values("pk")
    ).exists()


def test_a_second_run_adds_nothing():
    rep = Representative.objects.get(name=DEMO_REPRESENTATIVE_NAME)
    county = get_user_model().objects.get(username=DEMO_COUNTY_STAFF[0])
    assert demo_rhythm.load(county=county) == 0
    assert demo_keyissues.load(rep=rep, rep_user=rep.user, county=county) == 0
