"""The demo's star ratings (issue #14, 五成效 from the records): both years rated, measured
scores as the rules measure the demo's own records, and the pages show them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.ratings import NOTES
from liaison.models import StationRating
from measures import ratings

pytestmark = pytest.mark.django_db


def test_every_station_is_rated_with_its_measured_scores():
    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year):
        rated = StationRating.objects.filter(year=year, notes=NOTES)
        assert rated.count() == 41
        measured = ratings.measure_stations(rated.values_list("station_id", flat=True), year)
        for rating in rated.prefetch_related("scores"):
            stored = {s.criterion_id: s.score for s in rating.scores.all()}
            for m in measured[rating.station_id]:
                assert stored[m.criterion.pk] == m.score


def test_some_station_scores_on_the_records():
    year = timezone.localdate().year - 1
    measured = ratings.measure_stations(
        StationRating.objects.filter(year=year).values_list("station_id", flat=True), year
    )
    assert any(m.score > 0 for ms in measured.values() for m in ms)


def test_county_staff_open_the_ratings_page(client):
    from django.contrib.auth import get_user_model

    from liaison.models import StaffScope

    user = get_user_model().objects.filter(staff_scope__level=StaffScope.Level.COUNTY).first()
    client.force_login(user)
    response = client.get(reverse("measures:rating_list"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 41
