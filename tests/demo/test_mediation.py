"""The mediation demo of `load_demo` (issue #11 item 2): six disputes of 杏坪镇 mediated by
its representatives, three with an agreement, one without, one referred, one open; the
pages show them filled (loaded once for the package: see conftest.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from demo import mediation as demo_mediation
from demo.logins import DEMO_COUNTY_STAFF, DEMO_REPRESENTATIVE
from mediation.models import Mediation
from points.models import PointEntry
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def _user(credentials):
    return get_user_model().objects.get(username=credentials[0])


def test_it_loads_six_mediations_of_every_outcome():
    outcomes = sorted(Mediation.objects.values_list("outcome", flat=True))
    assert outcomes == ["", "failed", "referred", "success", "success", "success"]
    assert {m.town.name for m in Mediation.objects.select_related("town")} == {"杏坪镇"}
    for mediation in Mediation.objects.all():
        assert mediation.parties.count() >= 2
        assert mediation.sessions.exists()
        assert mediation.representatives.exists()
        assert mediation.petition.category.is_dispute


def test_successful_mediations_earn_their_mediators_points():
    success = Mediation.objects.filter(outcome="success")
    entries = PointEntry.objects.filter(
        source=PointEntry.Source.MEDIATION, status=PointEntry.Status.APPROVED
    )
    assert set(entries.values_list("source_id", flat=True)) == set(
        success.values_list("pk", flat=True)
    )


def test_a_second_load_adds_nothing():
    county = _user(DEMO_COUNTY_STAFF)
    rep = _user(DEMO_REPRESENTATIVE).representative
    assert demo_mediation.load(county=county, rep=rep) == 0
    assert Mediation.objects.count() == 6


def test_the_pages_are_filled(client):
    client.force_login(_user(DEMO_COUNTY_STAFF))
    text = page_text(client.get(reverse("mediation:list")))
    assert text.count("ZS-") >= 6
    summary = page_text(
        client.get(reverse("mediation:summary"), {"year": timezone.localdate().year})
    )
    assert "杏坪镇" in summary and "%" in summary
    mediation = Mediation.objects.filter(outcome="success").first()
    detail = page_text(client.get(reverse("mediation:detail", args=[mediation.pk])))
    assert mediation.parties.first().name in detail  # county staff: names in full


def test_the_demo_representative_has_a_mediation_with_names_masked(client):
    client.force_login(_user(DEMO_REPRESENTATIVE))
    assert "ZS-" in page_text(client.get(reverse("mediation:list")))
    mediation = Mediation.objects.get(outcome="")
    page = client.get(reverse("mediation:detail", args=[mediation.pk])).content.decode()
    assert mediation.parties.first().name not in page
    assert reverse("mediation:session_add", args=[mediation.pk]) in page
