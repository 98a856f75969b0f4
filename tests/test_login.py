"""Sign-in for staff and representatives: locked out per username and address by
django-axes, sessions expire."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.base import make_user
from tests.helpers import clear_own_cache, page_text, tr
from zhashui_rd.lockout import lockout_response

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


def _post(client, url, username, password, address="10.0.0.1", **headers):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def _fail_until_locked(client, url, username, address="10.0.0.1", **headers):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = _post(client, url, username, "wrong", address, **headers)
    return response


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_it_locks_an_account_out_after_repeated_failures(client, url):
    make_user("staff1", staff=True, password="right-password-1")
    _fail_until_locked(client, url, "staff1")
    response = _post(client, url, "staff1", "right-password-1")
    # The same sign-in form, saying why in Chinese: not axes' bare English page.
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录失败次数过多" in text
    assert 'name="password"' in text
    assert "Account locked" not in text
    assert "_auth_user_id" not in client.session


def test_it_locks_after_ten_failures_by_default():
    assert settings.LOGIN_MAX_FAILURES == 10
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.LOGIN_LOCKOUT_SECONDS == 900


def test_ten_wrong_passwords_lock_that_username_from_that_address_only():
    make_user("alice", password="right-password-1")
    make_user("bob", password="right-password-2")
    response = _fail_until_locked(Client(), "/accounts/login/", "alice", "10.0.0.1")
    assert response.status_code == 429
    # alice from 10.0.0.1: locked, even with the right password.
    refused = _post(Client(), "/accounts/login/", "alice", "right-password-1", "10.0.0.1")
    assert refused.status_code == 429
    # alice from another address, and bob from the same (a village's shared address): in.
    elsewhere = _post(Client(), "/accounts/login/", "alice", "right-password-1", "10.0.0.2")
    assert elsewhere.status_code == 302
    neighbour = _post(Client(), "/accounts/login/", "bob", "right-password-2", "10.0.0.1")
    assert neighbour.status_code == 302


def test_behind_one_proxy_the_lock_follows_the_forwarded_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("alice", password="right-password-1")
    nginx = "192.168.0.2"
    _fail_until_locked(
        Client(), "/accounts/login/", "alice", nginx, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    refused = _post(
        Client(),
        "/accounts/login/",
        "alice",
        "right-password-1",
        nginx,
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert refused.status_code == 429
    # Another citizen of the same proxy, and a forged left-most value, change nothing.
    other = _post(
        Client(),
        "/accounts/login/",
        "alice",
        "right-password-1",
        nginx,
        HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.9",
    )
    assert other.status_code == 302
    forged = _post(
        Client(),
        "/accounts/login/",
        "alice",
        "right-password-1",
        nginx,
        HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7",
    )
    assert forged.status_code == 429


def test_a_right_password_clears_the_failures(client):
    make_user("alice", password="right-password-1")
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        _post(client, "/accounts/login/", "alice", "wrong")
    assert _post(client, "/accounts/login/", "alice", "right-password-1").status_code == 302
    assert not AccessAttempt.objects.exists()
    # A sign-in is recorded for the audit, its password never.
    assert AccessLog.objects.filter(username="alice", ip_address="10.0.0.1").exists()


def test_it_never_keeps_the_password(client, caplog):
    make_user("alice", password="right-password-1")
    with caplog.at_level("DEBUG"):
        _post(client, "/accounts/login/", "alice", "a-secret-typo-1")
    assert "a-secret-typo-1" not in caplog.text
    attempt = AccessAttempt.objects.get()
    assert "a-secret-typo-1" not in attempt.post_data


def test_it_masks_a_mobile_number_used_as_username_in_its_log(client, caplog):
    make_user("13812345678", password="right-password-1")
    with caplog.at_level("INFO", logger="axes"):
        _post(client, "/accounts/login/", "13812345678", "wrong")
    assert "13812345678" not in caplog.text
    assert "138****5678" in caplog.text


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


def test_staff_find_the_lock_outs_in_the_administration_in_chinese(client):
    make_user("alice", password="right-password-1")
    _fail_until_locked(Client(), "/accounts/login/", "alice")
    client.force_login(make_user("boss", superuser=True))
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    text = page_text(response)
    assert "alice" in text and "10.0.0.1" in text
    assert tr("access attempts") in text


def test_a_lock_out_outside_a_sign_in_form_is_a_plain_chinese_429(rf):
    response = lockout_response(rf.post("/elsewhere/"), None)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/plain")
    assert (
        tr("Too many failed sign-ins. Please wait %(minutes)d minutes and try again.")
        % {"minutes": 15}
        == response.content.decode()
    )
