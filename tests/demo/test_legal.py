"""Legal help's demo (issue #11): 凤凰镇's legal-service room with its hours, the two legal
workers' logins with their lists filled, advice (one public on a tracking page), and the
joint receptions with their rosters (loaded once for the package: see conftest.py)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from demo.legal import DEMO_HALL_LEGAL_WORKER, DEMO_LEGAL_WORKER, LEGAL_ROOM_HOURS
from demo.logins import DEMO_COUNTY_STAFF
from liaison.models import Activity, Station
from liaison.roles import roles_for
from petitions.models import Petition, PetitionEvent
from tests.helpers import page_text, sign_in

pytestmark = pytest.mark.django_db


def test_fenghuangs_central_station_shows_its_legal_room_hours(client):
    station = Station.objects.get(slug="fenghuang-center")
    text = page_text(client.get(station.get_absolute_url()))
    assert "法律服务工作室" in text and LEGAL_ROOM_HOURS in text


@pytest.mark.parametrize("credentials", [DEMO_LEGAL_WORKER, DEMO_HALL_LEGAL_WORKER])
def test_each_legal_worker_signs_in_and_finds_their_concerns(credentials):
    client = Client()
    assert sign_in(client, *credentials)
    response = client.get(reverse("petitions:work_home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("petitions:legal_list")
    assert len(response.context["page"].object_list) >= 1


def test_the_hall_worker_sees_only_hall_concerns():
    client = Client()
    assert sign_in(client, *DEMO_HALL_LEGAL_WORKER)
    response = client.get(reverse("petitions:legal_list"))
    channels = {p.channel for p in response.context["page"].object_list}
    assert channels == {Petition.Channel.PETITION_HALL}


def test_there_is_public_and_private_advice():
    advice = PetitionEvent.objects.filter(kind=PetitionEvent.Kind.LEGAL_ADVICE)
    assert advice.filter(is_public=True).count() >= 2
    assert advice.filter(is_public=False).exists()
    assert all(roles_for(event.actor).legal_worker for event in advice)


def test_last_and_this_months_joint_receptions_have_their_rosters():
    receptions = Activity.objects.filter(kind=Activity.Kind.JOINT_RECEPTION)
    assert receptions.count() == 2
    for reception in receptions:
        kinds = sorted(reception.guests.values_list("kind", flat=True))
        assert kinds == ["department_head", "department_head", "legal_worker", "vice_director"]
        assert reception.attendances.count() == 1
    assert Petition.objects.filter(source_activity__in=receptions).count() == 1


def test_the_joint_receptions_page_is_filled_for_county_staff():
    client = Client()
    # Signed in with the second factor passed (tests/conftest.py).
    client.force_login(get_user_model().objects.get(username=DEMO_COUNTY_STAFF[0]))
    response = client.get(reverse("petitions:joint_receptions"))
    assert response.status_code == 200
    assert "赵德明" in page_text(response)


def test_demo_info_prints_the_legal_workers_logins():
    out = StringIO()
    call_command("demo_info", stdout=out)
    for username, password in (DEMO_LEGAL_WORKER, DEMO_HALL_LEGAL_WORKER):
        assert f"login {username} / {password}" in out.getvalue()
