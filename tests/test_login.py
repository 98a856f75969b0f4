"""Sign-in for staff and representatives: throttled, sessions expire."""

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.base import make_user
from tests.helpers import clear_own_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    clear_own_cache()
    yield
    clear_own_cache()


def test_it_signs_a_user_in_and_out(client):
    make_user("daibiao", password="right-password-1")
    response = client.post(
        "/accounts/login/", {"username": "daibiao", "password": "right-password-1"}
    )
    assert response.status_code == 302
    # Where each role lands is tests/test_landing.py's; a user who is nobody yet ends on
    # their page, which says their account is not linked.
    assert response["Location"] == "/accounts/welcome/"
    assert client.get(response["Location"])["Location"] == "/me/"
    response = client.post("/accounts/logout/")
    assert response.status_code == 302


def test_it_shows_a_clear_message_for_a_wrong_password(client):
    make_user("daibiao", password="right-password-1")
    response = client.post("/accounts/login/", {"username": "daibiao", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_it_locks_an_account_out_after_repeated_failures(client, url, settings):
    settings.LOGIN_MAX_FAILURES = 3
    make_user("staff1", staff=True, password="right-password-1")
    for _ in range(3):
        client.post(url, {"username": "staff1", "password": "wrong"})
    response = client.post(url, {"username": "staff1", "password": "right-password-1"})
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_expires_sessions():
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_it_still_signs_in_when_the_cache_is_down(client, monkeypatch):
    make_user("staff2", staff=True, password="right-password-1")

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    for name in ("get", "add", "incr", "set", "delete"):
        monkeypatch.setattr(cache, name, broken)
    response = client.post("/accounts/login/", {"username": "staff2", "password": "wrong"})
    assert response.status_code == 200
    response = client.post(
        "/accounts/login/", {"username": "staff2", "password": "right-password-1"}
    )
    assert response.status_code == 302
