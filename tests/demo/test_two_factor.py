"""The demo's second factors (issue #10): `make run` stays usable without a phone app."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.logins import DEMO_ADMIN, DEMO_COUNTY_STAFF, DEMO_REPRESENTATIVE, DEMO_TOWN_STAFF
from demo.two_factor import demo_key, demo_recovery_codes, second_factors_load
from liaison.two_factor.services import totp_code
from tests.base import make_user
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def _demo_totp(username: str) -> str:
    out = StringIO()
    call_command("demo_totp", username, stdout=out)
    return out.getvalue().strip()


def test_the_superuser_and_county_staff_have_the_demos_authenticator():
    for username, _password in (DEMO_ADMIN, DEMO_COUNTY_STAFF):
        device = TOTPDevice.objects.get(user__username=username)
        assert device.confirmed and device.key == demo_key(username)
        assert sorted(
            StaticToken.objects.filter(device__user__username=username).values_list(
                "token", flat=True
            )
        ) == sorted(demo_recovery_codes(username))
    assert not TOTPDevice.objects.filter(
        user__username__in=[DEMO_TOWN_STAFF[0], DEMO_REPRESENTATIVE[0]]
    ).exists()


def test_loading_them_again_adds_nothing():
    before = (TOTPDevice.objects.count(), StaticToken.objects.count())
    second_factors_load()
    assert (TOTPDevice.objects.count(), StaticToken.objects.count()) == before


def test_demo_totp_prints_the_code_that_signs_county_staff_in(client, unverified_logins):
    code = _demo_totp(DEMO_COUNTY_STAFF[0])
    assert code == totp_code(TOTPDevice.objects.get(user__username=DEMO_COUNTY_STAFF[0]))
    assert sign_in(client, DEMO_COUNTY_STAFF[0], DEMO_COUNTY_STAFF[1])
    assert client.get("/admin/").status_code == 302
    response = client.post("/accounts/two-factor/", {"code": code, "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("username", [DEMO_REPRESENTATIVE[0], "someone"])
def test_demo_totp_refuses_anyone_but_the_demos_logins(username):
    make_user("someone")
    with pytest.raises(CommandError):
        _demo_totp(username)


def test_demo_totp_refuses_a_login_whose_authenticator_is_not_the_demos():
    TOTPDevice.objects.filter(user__username=DEMO_ADMIN[0]).update(key="00" * 20)
    with pytest.raises(CommandError):
        _demo_totp(DEMO_ADMIN[0])


def test_demo_info_says_how_to_pass_the_second_factor():
    out = StringIO()
    call_command("demo_info", stdout=out)
    text = out.getvalue()
    for username in (DEMO_ADMIN[0], DEMO_COUNTY_STAFF[0]):
        assert f"manage.py demo_totp {username}" in text
        assert demo_recovery_codes(username)[0] in text
    assert "ZHAS HUID EMOX IANR ENDA ONLY FORD EMOA" in text
