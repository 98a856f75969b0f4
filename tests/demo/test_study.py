"""The study demo (issue #11 item 6): the seed's laws with their official link, the eight
人大讲堂 sessions, the training documents, last month's collective study at every central
station with attendance, and reads that show on the pages (loaded once for the package)."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

from demo import study as demo_study
from demo.logins import (
    DEMO_COUNTY_STAFF,
    DEMO_REPRESENTATIVE,
    DEMO_REPRESENTATIVE_NAME,
    DEMO_TOWN_STAFF,
)
from liaison.models import Activity, Representative, Station
from points.models import PointEntry
from study.models import Material, MaterialRead
from study.services import staff_scope_q
from tests.helpers import page_text, sign_in

pytestmark = pytest.mark.django_db


def test_it_loads_the_laws_with_links_to_the_national_database():
    laws = Material.objects.filter(kind=Material.Kind.LAW, published_at__isnull=False)
    assert set(laws.values_list("title", flat=True)) == set(demo_study.LAWS)
    assert all(m.url.startswith("https://flk.npc.gov.cn/") for m in laws)


def test_it_loads_eight_lectures_and_the_training_documents():
    lectures = Material.objects.filter(kind=Material.Kind.LECTURE)
    assert lectures.count() == 8
    assert all(m.lecture_date and m.speaker for m in lectures)
    assert Material.objects.filter(title__contains="一制度+四部法+两技能").count() == 3
    assert Material.objects.filter(audience=Material.Audience.STATION).exists()


def test_every_central_station_had_last_months_collective_study_with_attendance():
    sessions = Activity.objects.filter(kind=Activity.Kind.COLLECTIVE_STUDY).annotate(
        n=Count("attendances")
    )
    central = Station.objects.filter(kind=Station.Kind.CENTRAL).count()
    assert sessions.values("station").distinct().count() == central == 9
    assert all(s.n > 0 for s in sessions)
    assert PointEntry.objects.filter(
        source="attendance", rule__code="training", description__contains="集体学习"
    ).exists()


def test_several_representatives_have_read_and_earned_points():
    assert MaterialRead.objects.values("representative").distinct().count() >= 5
    rep = Representative.objects.get(name=DEMO_REPRESENTATIVE_NAME)
    reads = MaterialRead.objects.filter(representative=rep)
    assert reads.exists()
    entries = PointEntry.objects.filter(representative=rep, source="study")
    assert set(entries.values_list("source_id", flat=True)) == set(
        reads.values_list("pk", flat=True)
    )


def test_the_representatives_study_page_is_filled(client):
    assert sign_in(client, *DEMO_REPRESENTATIVE)
    response = client.get(reverse("study:my_study"))
    assert response.status_code == 200
    objects = response.context["page"].object_list
    assert len(objects) >= 10
    assert any(m.is_read for m in objects) and not all(m.is_read for m in objects)


@pytest.mark.parametrize("login", [DEMO_TOWN_STAFF])
def test_the_staff_pages_are_filled(client, login):
    user = get_user_model().objects.get(username=login[0])
    client.force_login(user)
    materials = client.get(reverse("study:staff_materials"))
    assert materials.status_code == 200
    assert len(materials.context["page"].object_list) >= 1
    collective = client.get(reverse("study:staff_collective_study"))
    assert len(collective.context["page"].object_list) >= 1
    assert "集体学习" in page_text(collective)


def test_county_staff_see_every_material():
    county = get_user_model().objects.get(username=DEMO_COUNTY_STAFF[0])
    assert Material.objects.filter(staff_scope_q(county)).count() == Material.objects.count()


def test_a_second_load_adds_nothing():
    county = get_user_model().objects.get(username=DEMO_COUNTY_STAFF[0])
    town_staff = get_user_model().objects.get(username=DEMO_TOWN_STAFF[0])
    rep = Representative.objects.get(name=DEMO_REPRESENTATIVE_NAME)
    before = (Material.objects.count(), MaterialRead.objects.count(), PointEntry.objects.count())
    demo_study.load(county=county, town_staff=town_staff, rep=rep)
    after = (Material.objects.count(), MaterialRead.objects.count(), PointEntry.objects.count())
    assert after == before
