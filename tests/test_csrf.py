"""A refused CSRF check, on a citizen's form or a staff page: the friendly Chinese page
(templates/403_csrf.html) with status 403, never Django's technical text, and nothing done."""

import pytest
from django.test import Client
from django.urls import reverse

from petitions.models import Petition
from tests.base import make_user
from tests.helpers import page_text, tr
from tests.petitions.citizen_helpers import form_data, rep_at_one_station, rep_url

pytestmark = pytest.mark.django_db


def _assert_friendly(response):
    assert response.status_code == 403
    text = page_text(response)
    assert tr("Page expired") in text
    for technical in ("CSRF", "Reason given", "Forbidden", "DEBUG"):
        assert technical not in response.content.decode()
    # The site's own page, with the portal's context (its footer names the congress).
    assert "柞水县人民代表大会常务委员会" in text


@pytest.mark.parametrize("debug", [False, True])
def test_a_citizens_form_without_a_token_gets_the_friendly_page(settings, debug):
    settings.DEBUG = debug
    rep, _station = rep_at_one_station()
    client = Client(enforce_csrf_checks=True)
    response = client.post(rep_url(rep), form_data())
    _assert_friendly(response)
    assert not Petition.objects.exists()


def test_the_sign_in_form_without_a_token_gets_the_friendly_page():
    make_user("alice", password="right-password-1")
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "alice", "password": "right-password-1"})
    _assert_friendly(response)
    assert "_auth_user_id" not in client.session


def test_a_staff_page_without_a_token_gets_the_friendly_page():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("boss", superuser=True))
    response = client.post(reverse("admin:auth_group_add"), {"name": "新组"})
    _assert_friendly(response)
