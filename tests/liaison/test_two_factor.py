"""Two-factor sign-in (issue #10): county staff and superusers cannot reach any page (the admin
first) with a password alone; a code from their authenticator or a recovery code lets them
in; others may choose it. Every test here signs in with the password alone
(``unverified_logins``): the suite's other tests count as verified (tests/conftest.py)."""

import logging
import re
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.models import StaffScope
from liaison.two_factor import services
from liaison.two_factor.services import REQUIRED_SESSION_KEY, totp_code
from tests.base import make_user, make_world
from tests.helpers import page_text
from tests.second_factor import authenticator_for, code_from_secret, current_code

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-factor/"
ENROL = "/accounts/two-factor/enrol/"
CODES = "/accounts/two-factor/codes/"
MANAGE = "/accounts/two-factor/manage/"
WRONG_CODE = "验证码不正确"


@pytest.fixture(autouse=True)
def _password_only(unverified_logins, settings):
    # Most tests type a wrong code and then the right one at once: django-otp's wait after a
    # wrong code (tested on its own below) would refuse the right one.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def world():
    return make_world()


def _recovery_codes(client, user) -> list[str]:
    """Set up ``user``'s authenticator on the pages and return the recovery codes shown."""
    html = client.get(ENROL).content.decode()
    secret = re.search(r'data-testid="secret">([^<]+)<', html).group(1)
    response = client.post(ENROL, {"code": code_from_secret(secret)})
    assert response.status_code == 302 and response["Location"].startswith(CODES)
    html = client.get(response["Location"]).content.decode()
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", html)


# --- who must -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/", "/staff/statistics/", "/work/", "/me/notices/"])
def test_county_staff_with_a_password_alone_are_sent_to_the_second_factor(client, world, url):
    authenticator_for(world.county)
    client.force_login(world.county)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next={url.replace('/', '%2F')}"


def test_a_superuser_with_a_password_alone_cannot_reach_the_admin(client):
    root = make_user("root", superuser=True)
    client.force_login(root)
    response = client.get("/admin/petitions/petition/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    # Without an authenticator yet: straight on to setting one up.
    assert client.get(response["Location"])["Location"].startswith(ENROL)


def test_a_post_is_refused_too_and_leads_to_the_second_factor(client, world):
    client.force_login(world.county)
    response = client.post("/admin/liaison/town/add/", {"name": "新镇"})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_the_right_code_opens_the_admin(client, world):
    device = authenticator_for(world.county)
    client.force_login(world.county)
    response = client.post(VERIFY, {"code": current_code(world.county), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/admin/").status_code == 200
    assert client.get("/staff/statistics/").status_code == 200


def test_a_wrong_code_says_so_in_chinese_and_opens_nothing(client, world):
    authenticator_for(world.county)
    client.force_login(world.county)
    response = client.post(VERIFY, {"code": "000000", "next": "/admin/"})
    assert response.status_code == 200
    assert WRONG_CODE in page_text(response)
    assert client.get("/admin/").status_code == 302
    response = client.post(VERIFY, {"code": "", "next": "/admin/"})
    assert "请输入验证码" in page_text(response)


def test_after_a_wrong_code_the_next_try_waits(client, world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = authenticator_for(world.county)
    client.force_login(world.county)
    client.post(VERIFY, {"code": "000000"})
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 200
    assert "输错次数过多" in page_text(response)
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_works_once(client, world):
    client.force_login(world.county)
    codes = _recovery_codes(client, world.county)
    assert len(codes) == 10
    client.logout()
    client.force_login(world.county)
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert StaticToken.objects.filter(device__user=world.county).count() == 9
    assert LogEntry.objects.filter(object_id=str(world.county.pk)).count() == 2

    client.logout()
    client.force_login(world.county)
    response = client.post(VERIFY, {"code": codes[0], "next": "/admin/"})
    assert response.status_code == 200
    assert "恢复码不正确" in page_text(response)
    assert client.post(VERIFY, {"code": codes[1]})["Location"] == reverse("landing")


def test_next_leads_only_to_this_site(client, world):
    authenticator_for(world.county)
    client.force_login(world.county)
    response = client.post(
        VERIFY, {"code": current_code(world.county), "next": "https://evil.example/admin/"}
    )
    assert response["Location"] == reverse("landing")


def test_the_sign_out_health_check_and_citizen_pages_are_not_held(client, world):
    client.force_login(world.county)
    assert client.get("/healthz/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 200


# --- others may choose ----------------------------------------------------------------------


def test_a_representative_goes_straight_to_work_and_pays_no_query_for_it(client, world):
    client.force_login(world.rep_a_user)
    assert client.session[REQUIRED_SESSION_KEY] == ""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/me/tasks/")
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "otp_" in q["sql"]]


def test_a_representative_who_enrolled_must_verify(client, world):
    client.force_login(world.rep_a_user)
    assert client.get(MANAGE).status_code == 200
    assert "未开启" in page_text(client.get(MANAGE))
    codes = _recovery_codes(client, world.rep_a_user)
    assert "还剩 10 个" in page_text(client.get(MANAGE))

    client.logout()
    client.force_login(world.rep_a_user)
    response = client.get("/me/tasks/")
    assert response["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": codes[3]})
    assert client.get("/me/tasks/").status_code == 200


def test_a_representative_may_turn_it_off_and_county_staff_may_not(client, world):
    client.force_login(world.rep_a_user)
    _recovery_codes(client, world.rep_a_user)
    response = client.post(MANAGE, {"action": "remove"})
    assert response["Location"] == MANAGE
    assert not TOTPDevice.objects.filter(user=world.rep_a_user).exists()
    assert not StaticDevice.objects.filter(user=world.rep_a_user).exists()
    client.logout()
    client.force_login(world.rep_a_user)
    assert client.get("/me/tasks/").status_code == 200

    client.logout()
    client.force_login(world.county)
    _recovery_codes(client, world.county)
    response = client.post(MANAGE, {"action": "remove"}, follow=True)
    assert "必须使用两步验证" in page_text(response)
    assert TOTPDevice.objects.filter(user=world.county, confirmed=True).exists()


def test_new_recovery_codes_replace_the_old(client, world):
    client.force_login(world.county)
    old = _recovery_codes(client, world.county)
    response = client.post(MANAGE, {"action": "codes"})
    assert response["Location"].startswith(CODES)
    new = re.findall(
        r"<li><code>([a-z0-9]+)</code></li>", client.get(response["Location"]).content.decode()
    )
    assert len(new) == 10 and not set(old) & set(new)
    # Shown once.
    assert "<li><code>" not in client.get(CODES).content.decode()
    client.logout()
    client.force_login(world.county)
    assert client.post(VERIFY, {"code": old[0]}).status_code == 200
    assert client.post(VERIFY, {"code": new[0]}).status_code == 302


# --- setting up -------------------------------------------------------------------------------


def test_a_new_county_staff_account_sets_up_its_authenticator_end_to_end(client, world, caplog):
    caplog.set_level(logging.INFO, logger="liaison.two_factor")
    client.force_login(world.county)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{ENROL}?next=%2Fadmin%2F"
    html = response.content.decode()
    assert "<svg" in html and "otpauth" not in html  # the URI is in the QR code, not the text
    secret = re.search(r'data-testid="secret">([^<]+)<', html).group(1)

    response = client.post(f"{ENROL}?next=%2Fadmin%2F", {"code": "123456"})
    assert response.status_code == 200 and WRONG_CODE in page_text(response)

    code = code_from_secret(secret)
    response = client.post(f"{ENROL}?next=%2Fadmin%2F", {"code": code, "next": "/admin/"})
    assert response["Location"] == f"{CODES}?next=%2Fadmin%2F"
    response = client.get(response["Location"])
    text = page_text(response)
    assert "恢复码" in text and "打印" in text
    assert "two-factor-print.js" in response.content.decode()
    assert 'href="/admin/"' in response.content.decode()
    assert client.get("/admin/").status_code == 200

    assert TOTPDevice.objects.get(user=world.county).confirmed
    assert StaticToken.objects.filter(device__user=world.county).count() == 10
    entry = LogEntry.objects.get(object_id=str(world.county.pk))
    assert entry.user_id == world.county.pk and "启用" in entry.get_change_message()
    # Logged, without the secret or any code.
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "enrolled user" in logged and "enrolment code refused" in logged
    assert code not in logged and secret.replace(" ", "") not in logged


def test_one_cannot_set_up_a_new_phone_without_passing_the_old(client, world):
    authenticator_for(world.county)
    client.force_login(world.county)
    response = client.get(ENROL)
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=world.county).count() == 1


def test_a_verified_user_moves_to_a_new_phone_and_the_old_stops(client, world):
    old = authenticator_for(world.county)
    client.force_login(world.county)
    client.post(VERIFY, {"code": current_code(world.county)})
    _recovery_codes(client, world.county)
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.filter(user=world.county, confirmed=True).count() == 1


# --- a lost phone ---------------------------------------------------------------------------


def _reset(client, devices):
    return client.post(
        reverse("admin:two_factor_secondfactor_changelist"),
        {"action": "reset_second_factor", "_selected_action": [d.pk for d in devices]},
        follow=True,
    )


def test_county_staff_reset_a_lost_phone_and_the_user_sets_up_a_new_one(client, world):
    lost = authenticator_for(world.rep_a_user)
    authenticator_for(world.county)
    client.force_login(world.county)
    client.post(VERIFY, {"code": current_code(world.county)})
    assert client.get(reverse("admin:two_factor_secondfactor_changelist")).status_code == 200

    response = _reset(client, [lost])
    assert "已重置" in page_text(response)
    assert not TOTPDevice.objects.filter(user=world.rep_a_user).exists()
    entry = LogEntry.objects.get(object_id=str(world.rep_a_user.pk))
    assert entry.user_id == world.county.pk

    # Their own is not reset here.
    own = TOTPDevice.objects.get(user=world.county)
    response = _reset(client, [own])
    assert TOTPDevice.objects.filter(pk=own.pk).exists()
    assert "保持不变" in page_text(response)


def test_a_reset_ends_the_verified_session_of_one_who_must_use_it(client, world):
    authenticator_for(world.county)
    client.force_login(world.county)
    client.post(VERIFY, {"code": current_code(world.county)})
    TOTPDevice.objects.filter(user=world.county).delete()
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(ENROL)


def test_only_a_superuser_resets_a_superusers_second_factor(client, world):
    root = make_user("root", superuser=True)
    device = authenticator_for(root)
    authenticator_for(world.county)
    client.force_login(world.county)
    client.post(VERIFY, {"code": current_code(world.county)})
    _reset(client, [device])
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_town_staff_do_not_see_the_second_factors(client, world):
    client.force_login(world.town_staff_a)
    response = client.get(reverse("admin:two_factor_secondfactor_changelist"))
    assert response.status_code == 403
    assert "/admin/two_factor/" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_the_second_factors_list_runs_in_constant_queries(
    client, world, rows, django_assert_num_queries
):
    for index in range(rows):
        authenticator_for(make_user(f"person{index}"))
    authenticator_for(world.county)
    client.force_login(world.county)
    client.post(VERIFY, {"code": current_code(world.county)})
    # The session, the user, the device of the second factor, the count, the page (with each
    # user and their representative profile), the user's and groups' permissions for the
    # admin's menu.
    with django_assert_num_queries(7):
        response = client.get(reverse("admin:two_factor_secondfactor_changelist"))
    assert response.status_code == 200
    assert "person0" in response.content.decode()


def test_a_superuser_without_anyone_to_reset_theirs_uses_the_command(client):
    root = make_user("root", superuser=True)
    authenticator_for(root)
    out = StringIO()
    call_command("two_factor_reset", "root", stdout=out)
    assert "root" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=root).exists()
    assert LogEntry.objects.get(object_id=str(root.pk)).user_id == root.pk
    with pytest.raises(CommandError):
        call_command("two_factor_reset", "nobody-here")


def test_the_admin_offers_the_settings_page(client, world):
    client.force_login(world.town_staff_a)
    assert MANAGE in client.get("/admin/").content.decode()


def test_a_set_up_confirmed_twice_says_so_and_saves_nothing_more(rf, world):
    device = services.enrolment_device(world.county)
    request = rf.post(ENROL)
    request.user, request.session = world.county, SessionStore()
    services.second_factor_enrol(request=request, device=device, token=totp_code(device))
    with pytest.raises(services.TwoFactorError):
        services.second_factor_enrol(request=request, device=device, token=totp_code(device))
    assert TOTPDevice.objects.filter(user=world.county).count() == 1
    assert StaticToken.objects.filter(device__user=world.county).count() == 10


def test_a_user_made_county_staff_or_superuser_while_signed_in_is_asked_at_once(client, world):
    client.force_login(world.town_staff_a)
    assert client.get("/admin/").status_code == 200
    StaffScope.objects.filter(user=world.town_staff_a).update(
        level=StaffScope.Level.COUNTY, town=None
    )
    # The page that first learns of it is served; the next one asks for the second factor.
    client.get("/work/")
    assert client.get("/admin/")["Location"].startswith(VERIFY)

    client.force_login(world.rep_a_user)
    assert client.get("/me/tasks/").status_code == 200
    world.rep_a_user.is_superuser = True
    world.rep_a_user.save(update_fields=["is_superuser"])
    assert client.get("/me/tasks/")["Location"].startswith(VERIFY)


def test_before_the_second_factor_the_header_offers_only_signing_out(client, world):
    """Every other link would lead back to the two-factor page, and the unread notices'
    count is not shown to someone who has only typed a password."""
    authenticator_for(world.county)
    client.force_login(world.county)
    first_time = client.__class__()
    first_time.force_login(make_user("root", superuser=True))  # no authenticator yet
    for browser, url in ((client, VERIFY), (first_time, ENROL)):
        response = browser.get(url)
        assert response.status_code == 200
        header = response.content.decode().split("</header>")[0]
        assert reverse("admin:index") not in header and reverse("petitions:notices") not in header
        assert MANAGE not in header and reverse("logout") in header
