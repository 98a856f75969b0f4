"""The demo's awards by stars (issue #14): last year locked, this year open, pages filled."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from demo import awards as demo_awards
from demo.logins import DEMO_COUNTY_STAFF
from liaison import awards
from liaison.models import AwardLine, StationRating

pytestmark = pytest.mark.django_db


def test_last_year_is_locked_and_this_year_open():
    year = timezone.localdate().year
    last = awards.award_list(year - 1)
    assert last.locked and last.total > 0
    assert AwardLine.objects.filter(award_year__year=year - 1).count() == len(last.rows)
    assert len(last.rows) == StationRating.objects.filter(year=year - 1).count()
    this = awards.award_list(year)
    assert not this.locked and this.amounts[5] > this.amounts[1]


def test_the_pages_show_the_demo_to_county_staff(client):
    county = get_user_model().objects.get(username=DEMO_COUNTY_STAFF[0])
    client.force_login(county)
    year = timezone.localdate().year
    assert client.get(reverse("liaison:staff_awards")).status_code == 200
    assert client.get(reverse("liaison:staff_award_year", args=[year - 1])).status_code == 200
    response = client.get(reverse("liaison:staff_award_export", args=[year - 1]))
    assert response.status_code == 200


def test_a_second_run_changes_nothing():
    county = get_user_model().objects.get(username=DEMO_COUNTY_STAFF[0])
    assert demo_awards.load(county=county) == 0
