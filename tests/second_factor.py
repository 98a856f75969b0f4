"""The second factor in tests that sign in through the real pages (the request tests of the
sign-in and the browser's steps): a user's authenticator and its current code, computed as
the phone would. Tests that sign in with ``client.force_login`` need none of this
(tests/conftest.py marks those sessions verified)."""

import time
from base64 import b32decode
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.two_factor.services import confirmed_device, totp_code

TWO_FACTOR_URL = "/accounts/two-factor/"


def authenticator_for(user) -> TOTPDevice:
    """``user``'s confirmed authenticator, made if they have none, ready for a code now: a
    test may sign the same person in twice within one 30-second step, which a real phone
    could not (django-otp refuses a step already used), so the step used is forgotten."""
    device = confirmed_device(user) or TOTPDevice.objects.create(
        user=user, name="authenticator", confirmed=True
    )
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    return device


def current_code(user) -> str:
    return totp_code(authenticator_for(user))


def code_from_secret(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows at ``at`` (now) for the base32 ``secret`` the
    set-up page shows (as the app computes it: 30-second steps, 6 digits)."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def pass_second_factor(client, user, url: str):
    """The client was sent to the two-factor page ``url`` (verify or set-up) after the
    password: answer it with the current code (setting up the phone beforehand, as it
    were); returns the response, a redirect to where the client was going."""
    after = parse_qs(urlsplit(url).query).get("next", [""])[0]
    code = current_code(user)
    return client.post(reverse("two_factor:verify"), {"code": code, "next": after})


# What a page costs a user who must pass the second factor (county staff, superusers): the
# one query by which django-otp's OTPMiddleware loads the device that verified the session.
# Everyone else pays nothing for it.
SECOND_FACTOR = 1
