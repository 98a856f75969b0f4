"""`manage.py load_demo`: a county shaped like Zhashui, loaded as often as you like
(loaded once for the package: see conftest.py)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demo.logins import DEMO_ADMIN, DEMO_REPRESENTATIVE, DEMO_REPRESENTATIVE_NAME
from liaison.models import Representative, Station, StationMembership, StationRating
from tests.demo.helpers import county_counts
from tests.helpers import page_text, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def counts():
    return county_counts()


def test_it_loads_a_county_of_41_stations(counts):
    assert counts["towns"] == 9
    assert counts["central"] == 9
    assert counts["stations"] == 41
    assert counts["points"] == 22
    assert counts["professional"] == 3


def test_it_loads_at_least_a_hundred_representatives_of_all_five_levels(counts):
    assert counts["representatives"] >= 100
    levels = set(Representative.objects.values_list("level", flat=True))
    assert levels == set(Representative.Level.values)


def test_it_seats_every_representative_and_gives_every_station_a_head():
    assert not Representative.objects.filter(memberships__isnull=True).exists()
    heads = Station.objects.annotate(
        heads=Count("memberships", filter=Q(memberships__role=StationMembership.Role.HEAD))
    ).values_list("heads", flat=True)
    assert list(heads) == [1] * 41


def test_it_gives_only_professional_stations_a_sector():
    assert set(
        Station.objects.filter(kind=Station.Kind.PROFESSIONAL).values_list("sector", flat=True)
    ) == set(Station.Sector.values)
    assert not Station.objects.exclude(kind=Station.Kind.PROFESSIONAL).exclude(sector="").exists()


def test_it_rates_every_station_once_for_last_year_and_once_for_this_year(counts):
    # Last year's by demo/liaison.py, both years' measured scores by demo/ratings.py (#14).
    this_year = timezone.localdate().year
    assert counts["ratings"] == 2 * 41
    years = {this_year - 1, this_year}
    assert set(StationRating.objects.values_list("year", flat=True)) == years
    assert Station.objects.annotate(n=Count("ratings")).filter(n=2).count() == counts["stations"]
    for rating in StationRating.objects.all():
        assert rating.max_total == 108  # 25 checks and issue #14's two measured ones
        assert 1 <= rating.stars <= 5
        assert rating.scores.count() == 27


def test_it_creates_the_demo_logins(counts):
    User = get_user_model()
    # admin, representative, unit, town staff, county staff; two legal workers and a leader (issue #11)
    assert counts["users"] == 8
    admin = User.objects.get(username=DEMO_ADMIN[0])
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(DEMO_ADMIN[1])
    representative = User.objects.get(username=DEMO_REPRESENTATIVE[0])
    assert not representative.is_staff
    assert representative.check_password(DEMO_REPRESENTATIVE[1])
    assert representative.representative.name == DEMO_REPRESENTATIVE_NAME


def test_it_invents_valid_unique_mobiles_that_no_public_page_shows(client):
    mobiles = list(Representative.objects.values_list("mobile", flat=True))
    assert len(set(mobiles)) == len(mobiles)
    for rep in Representative.objects.all()[:5]:
        rep.full_clean()
        assert rep.mobile not in client.get(rep.get_absolute_url()).content.decode()


def test_it_is_idempotent(demo_second_run):
    first = demo_second_run.before["county"]
    assert demo_second_run.after["county"] == first
    assert demo_second_run.after["qr_tokens"] == demo_second_run.before["qr_tokens"]
    assert first["stations"] == 41
    assert first["points"] == 22
    assert first["professional"] == 3
    assert first["representatives"] >= 100
    assert first["users"] == 8
    assert first["ratings"] == 2 * first["stations"]  # last year and this year (#14)


def test_it_reports_what_it_loaded(demo, demo_second_run):
    assert "41 stations" in demo
    assert "41 stations" in demo_second_run.output


def test_it_makes_a_portal_a_visitor_can_browse(client):
    home = client.get(reverse("liaison:home"))
    assert home.status_code == 200
    assert home.context["totals"]["stations"] == 41
    renhe = client.get(reverse("liaison:station_detail", args=["renhe"]))
    assert renhe.status_code == 200
    assert "仁和社区" in page_text(renhe)
    rep = Representative.objects.get(name=DEMO_REPRESENTATIVE_NAME)
    assert DEMO_REPRESENTATIVE_NAME in page_text(client.get(rep.get_absolute_url()))


def test_it_lets_the_demo_representative_sign_in_to_their_page():
    client = Client()
    assert sign_in(client, DEMO_REPRESENTATIVE[0], DEMO_REPRESENTATIVE[1])
    response = client.get(reverse("liaison:my_page"))
    assert response.status_code == 200
    assert DEMO_REPRESENTATIVE_NAME in page_text(response)


def test_it_prints_where_the_demo_is():
    out = StringIO()
    call_command("demo_info", "--base-url", "http://rd.example.cn/", stdout=out)
    text = out.getvalue()
    assert "http://rd.example.cn/admin/" in text
    assert DEMO_ADMIN[0] in text and DEMO_REPRESENTATIVE[0] in text
    rep = Representative.objects.get(name=DEMO_REPRESENTATIVE_NAME)
    assert "http://rd.example.cn" + rep.get_absolute_url() in text
    assert "http://rd.example.cn" + Station.objects.get(slug="renhe").get_qr_path() in text
