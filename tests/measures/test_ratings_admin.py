"""The star ratings in the administration (measures/admin.py): staff type only the hand
criteria; the measured ones are shown read only and recomputed from the records on save,
with the total, the stars and the audit row; a locked year refuses; the admin index links
to the ratings' pages."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from liaison.models import AwardYear, RatingCriterion, RatingScore, StationRating
from tests.base import ensure_default_criteria, make_rating, make_station, make_world
from tests.helpers import admin_form_data, admin_url
from tests.measures.helpers import EXPECTED, YEAR, hand_criteria, seed_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _criteria():
    ensure_default_criteria()


def _fields(station, year=YEAR):
    return {"station": station.pk, "year": str(year), "rated_on": f"{year}-12-20", "notes": ""}


def test_it_offers_only_the_hand_criteria(admin_client):
    response = admin_client.get(admin_url(StationRating, "add"))
    formset = response.context["inline_admin_formsets"][0].formset
    offered = (
        set(formset.forms[0].fields["criterion"].queryset)
        if formset.forms
        else set(formset.empty_form.fields["criterion"].queryset)
    )
    assert offered == set(hand_criteria())


def test_it_computes_a_new_rating_with_its_measured_scores(admin_client, admin_user):
    world = make_world()
    seed_year(world)
    rows = [{"criterion": str(c.pk), "score": "3"} for c in hand_criteria()]
    response = admin_client.post(
        admin_url(StationRating, "add"), admin_form_data(_fields(world.station_a), "scores", rows)
    )
    assert response.status_code == 302, response.context and response.context.get("errors")
    rating = StationRating.objects.get(station=world.station_a, year=YEAR)
    stored = {s.criterion.code: s.score for s in rating.scores.select_related("criterion")}
    assert {code: stored[code] for code in EXPECTED} == EXPECTED
    assert rating.total == Decimal("73.1") and rating.max_total == 108 and rating.stars == 2
    assert rating.rated_by == admin_user
    assert LogEntry.objects.filter(object_id=str(rating.pk), user=admin_user).exists()


def test_a_measured_criterion_typed_in_is_refused(admin_client):
    station = make_station()
    measured = RatingCriterion.objects.get(code="results-received")
    rows = [{"criterion": str(measured.pk), "score": "4"}]
    response = admin_client.post(
        admin_url(StationRating, "add"), admin_form_data(_fields(station), "scores", rows)
    )
    assert response.status_code == 200
    assert not StationRating.objects.exists() and not RatingScore.objects.exists()


def test_it_recomputes_the_stars_when_staff_change_a_score(admin_client):
    station = make_station()
    rating = make_rating(station, year=YEAR, fraction=0.8)
    scores = list(rating.scores.filter(criterion__is_measured=False).order_by("criterion__order"))
    rows = [
        {
            "id": str(s.pk),
            "rating": str(rating.pk),
            "criterion": str(s.criterion_id),
            # The first ten down to 2: 20 × 3.2 − 12 = 52, and the records measure 0.
            "score": "2" if i < 10 else str(s.score),
        }
        for i, s in enumerate(scores)
    ]
    data = admin_form_data({**_fields(station), "notes": "复核"}, "scores", rows)
    response = admin_client.post(admin_url(StationRating, "change", rating.pk), data)
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.total == Decimal("52.0")
    assert rating.stars == 1  # 52 / 108 = 48 %
    assert not rating.scores.filter(criterion__is_measured=True, score__gt=0).exists()


def test_it_ignores_totals_typed_into_the_rating_form(admin_client):
    station = make_station()
    data = admin_form_data(
        {**_fields(station), "total": "100", "max_total": "100", "stars": "5"}, "scores", []
    )
    assert admin_client.post(admin_url(StationRating, "add"), data).status_code == 302
    rating = StationRating.objects.get(station=station)
    assert (rating.total, rating.stars) == (0, 1)


def test_it_refuses_a_score_above_the_criterions_maximum(admin_client):
    criterion = hand_criteria()[0]
    rows = [{"criterion": str(criterion.pk), "score": "5"}]
    response = admin_client.post(
        admin_url(StationRating, "add"), admin_form_data(_fields(make_station()), "scores", rows)
    )
    assert response.status_code == 200
    assert not StationRating.objects.exists() and not RatingScore.objects.exists()


def test_a_locked_year_refuses_in_the_form(admin_client):
    AwardYear.objects.create(year=YEAR, locked_at=timezone.now())
    rows = [{"criterion": str(hand_criteria()[0].pk), "score": "3"}]
    response = admin_client.post(
        admin_url(StationRating, "add"), admin_form_data(_fields(make_station()), "scores", rows)
    )
    assert response.status_code == 200
    assert str(YEAR) in str(response.context["adminform"].form.non_field_errors())
    assert not StationRating.objects.exists()


def test_the_change_page_shows_the_measured_scores_read_only(admin_client):
    rating = make_rating(make_station(), year=YEAR, fraction=0.5)
    response = admin_client.get(admin_url(StationRating, "change", rating.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "调解成功率" in html
    assert 'name="scores-0-criterion"' in html
    measured_ids = set(
        RatingCriterion.objects.filter(is_measured=True).values_list("pk", flat=True)
    )
    formset = response.context["inline_admin_formsets"][0].formset
    assert not {f.instance.criterion_id for f in formset.initial_forms} & measured_ids


def test_the_admin_index_links_to_the_ratings_pages(client):
    world = make_world()
    client.force_login(world.town_staff_a)
    response = client.get("/admin/")
    assert 'id="ratings-module"' in response.content.decode()
    assert "/staff/ratings/" in response.content.decode()
