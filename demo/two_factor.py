"""The demo's second factors (issue #10): the superuser and the county staff login must pass
one, and a judge trying `make run` has no phone set up for them. So each gets an
authenticator with a fixed secret, printed by `demo_info` (to add to an app, if one is at
hand) with the command that prints its current code instead, and fixed recovery codes.
These secrets are public, in this file: they exist only in the demo county."""

from base64 import b32decode, b32encode

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.logins import DEMO_ADMIN, DEMO_COUNTY_STAFF
from liaison.two_factor.services import AUTHENTICATOR_NAME, RECOVERY_NAME

# Base32, as authenticator apps take them.
DEMO_TOTP_SECRETS = {
    DEMO_ADMIN[0]: "ZHASHUIDEMOADMINONLYFORTHEDEMOAA",
    DEMO_COUNTY_STAFF[0]: "ZHASHUIDEMOXIANRENDAONLYFORDEMOA",
}
RECOVERY_CODE_COUNT = 5


def demo_recovery_codes(username: str) -> list[str]:
    return [f"demo{username[:4]}{n}" for n in range(1, RECOVERY_CODE_COUNT + 1)]


def demo_key(username: str) -> str:
    """The device key (hex, as django-otp stores it) of a demo login's authenticator."""
    return b32decode(DEMO_TOTP_SECRETS[username]).hex()


def second_factors_load() -> None:
    """A confirmed authenticator with the demo secret and the demo recovery codes for each
    demo login that must pass a second factor; a login that has one keeps it (idempotent,
    and a judge who set up their own phone keeps theirs)."""
    users = get_user_model().objects.filter(username__in=DEMO_TOTP_SECRETS)
    for user in users:
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(
                user=user,
                name=AUTHENTICATOR_NAME,
                confirmed=True,
                key=demo_key(user.username),
            )
        if not StaticDevice.objects.filter(user=user).exists():
            device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
            StaticToken.objects.bulk_create(
                StaticToken(device=device, token=code)
                for code in demo_recovery_codes(user.username)
            )


def demo_authenticator(username: str) -> TOTPDevice | None:
    """The demo login's authenticator if it still has the demo's own secret: never a device
    of a real account, whatever its name (a production `admin` has a secret of its own)."""
    if username not in DEMO_TOTP_SECRETS:
        return None
    return TOTPDevice.objects.filter(
        user__username=username, confirmed=True, key=demo_key(username)
    ).first()


def secret_for_display(username: str) -> str:
    secret = b32encode(bytes.fromhex(demo_key(username))).decode("ascii")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
