"""The demo's activities' results (issue #14, part B): the pages are filled."""

import pytest
from django.contrib.auth import get_user_model

from demo.activity_results import RECEPTION_TITLE
from demo.logins import DEMO_COUNTY_STAFF, DEMO_TOWN_STAFF
from liaison.models import Activity
from measures.models import ActivityResultEvent
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def test_the_town_staff_see_this_half_years_reception(client):
    client.force_login(get_user_model().objects.get(username=DEMO_TOWN_STAFF[0]))
    text = page_text(client.get("/staff/activity-results/"))
    assert RECEPTION_TITLE in text
    assert "共接待代表8人次，收集意见建议3条，其中镇级解决2条、提交县级1条。" in text


def test_the_face_to_face_meeting_has_its_results(client):
    meeting = Activity.objects.filter(
        kind=Activity.Kind.FACE_TO_FACE, researched_issues__isnull=False
    ).distinct()
    assert meeting.count() == 1
    client.force_login(get_user_model().objects.get(username=DEMO_COUNTY_STAFF[0]))
    text = page_text(client.get(f"/staff/activities/{meeting.get().pk}/results/"))
    assert "3名负责人对1个问题进行解答，现场办理1个，对2个共性问题深入调研" in text
    assert ActivityResultEvent.objects.count() == 4
