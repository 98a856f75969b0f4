"""Who must use a second factor, and every change to one: enrolment, verification, recovery
codes, removal and a staff reset. Each change appends a row to the admin's history of the
user (Django's LogEntry, the audit trail users have) and logs one INFO line that names the
user by id and never carries a code, a secret or a phone number."""

import logging
import re
import time

import django_otp
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.roles import roles_for

logger = logging.getLogger("liaison.two_factor")

# The session remembers, from the sign-in on, whether this user must pass the second factor:
# the check then costs no query on any page (see the middleware, which also notices a user
# made a superuser or county staff since, at no query); an enrolment made in another session
# counts in this one from its next sign-in.
REQUIRED_SESSION_KEY = "two_factor_required"
# Recovery codes just made, kept in the session until the page that prints them shows them
# once (a refresh of that page does not show them again).
NEW_CODES_SESSION_KEY = "two_factor_new_codes"
RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
_TOTP_CODE = re.compile(r"^\d{6}$")


class TwoFactorError(Exception):
    """A code refused, or a change not allowed: the message is for the page, in Chinese."""


def must_use_second_factor(user) -> bool:
    """County staff and superusers can unmask every citizen's phone (等保 level 3 asks two
    factors of administrators): they may never go without one."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or roles_for(user).county


def confirmed_device(user) -> TOTPDevice | None:
    """The user's authenticator, once enrolment is confirmed."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


MUST, CHOSEN = "must", "chosen"


def requirement(user) -> str:
    """Whether ``user`` must pass the second factor: MUST for those who may never go without
    one, CHOSEN for anyone who enrolled (a code they set up protects them only if it is
    asked for), "" for the others."""
    if must_use_second_factor(user):
        return MUST
    if user.is_authenticated and user.is_active and confirmed_device(user) is not None:
        return CHOSEN
    return ""


def second_factor_required(user) -> bool:
    return bool(requirement(user))


def remember_requirement(sender, request, user, **kwargs) -> None:
    """On every sign-in (``user_logged_in``): note in the new session whether this user must
    pass the second factor. Read on a fresh copy of the user: ``roles_for`` caches who a user
    is on the object, and the caller keeps using its own."""
    fresh = type(user)._default_manager.get(pk=user.pk)
    request.session[REQUIRED_SESSION_KEY] = requirement(fresh)


def requirement_for(request) -> str:
    """Whether the signed-in user of ``request`` must pass the second factor (as
    ``requirement``, noted at sign-in); a session that began before two-factor sign-in
    existed is worked out once and noted."""
    noted = request.session.get(REQUIRED_SESSION_KEY)
    if noted is None:
        noted = requirement(request.user)
        request.session[REQUIRED_SESSION_KEY] = noted
    return noted


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def enrolment_device(user) -> TOTPDevice:
    """The authenticator being set up: the same one on every visit to the enrolment page
    (the QR code a user scanned stays valid), a new one only when there is none."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def _audit(*, actor, user, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[user], action_flag=CHANGE, change_message=message
    )


def _normalise(token: str) -> str:
    # Codes are read off a phone or a sheet of paper: spaces and dashes are typing, and the
    # recovery codes are lower-case base32.
    return re.sub(r"[\s-]", "", token or "").lower()


def _throttled_message(device) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = timezone.localtime(data["locked_until"])
    return _(
        "Too many wrong codes in a row. Wait until %(time)s, then try again: each further "
        "wrong code doubles the wait."
    ) % {"time": formats.time_format(until, "H:i:s")}


def second_factor_verify(*, request, token: str) -> TOTPDevice | StaticDevice:
    """Check a 6-digit code from the authenticator, or a recovery code (used up by this),
    and mark the session verified; raise TwoFactorError with the page's message."""
    user = request.user
    token = _normalise(token)
    if _TOTP_CODE.match(token):
        device = confirmed_device(user)
        kind = "authenticator"
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        kind = "recovery code"
    if device is None:
        logger.info("two-factor: verification failed (no %s) for user %s", kind, user.pk)
        raise TwoFactorError(_("That code is not right. Type the 6 digits your app shows now."))
    throttled = _throttled_message(device)
    if throttled:
        logger.info("two-factor: verification throttled for user %s", user.pk)
        raise TwoFactorError(throttled)
    # django_otp.verify_token locks the device's row, so that two requests racing with the
    # same code cannot both pass, and counts the failure for the throttle.
    verified = django_otp.verify_token(user, device.persistent_id, token)
    if verified is None:
        logger.info("two-factor: verification failed (%s) for user %s", kind, user.pk)
        raise TwoFactorError(
            _("That code is not right. Type the 6 digits your app shows now.")
            if kind == "authenticator"
            else _("That recovery code is not right, or it was used already.")
        )
    django_otp.login(request, verified)
    request.session[REQUIRED_SESSION_KEY] = requirement(user)
    if kind == "recovery code":
        left = recovery_codes_left(user)
        logger.info("two-factor: recovery code used by user %s, %s left", user.pk, left)
        _audit(actor=user, user=user, message=_("Signed in with a recovery code"))
    else:
        logger.info("two-factor: verified user %s", user.pk)
    return verified


def _recovery_codes_replace(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def second_factor_enrol(*, request, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator being set up with its first code: it replaces any earlier
    one, fresh recovery codes replace the old, and the session is verified. Returns the new
    recovery codes (to be shown once)."""
    user = request.user
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(pk=device.pk, user=user, confirmed=False)
        .first()
    )
    if device is None:
        # The same form sent twice, or from two tabs: the first one set it up.
        raise TwoFactorError(_("This authenticator is set up already: sign in with its code."))
    throttled = _throttled_message(device)
    if throttled:
        raise TwoFactorError(throttled)
    if not device.verify_token(_normalise(token)):
        logger.info("two-factor: enrolment code refused for user %s", user.pk)
        raise TwoFactorError(
            _(
                "That code is not right. Check that the app shows this account, and type the "
                "6 digits it shows now."
            )
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _recovery_codes_replace(user)
    django_otp.login(request, device)
    request.session[REQUIRED_SESSION_KEY] = requirement(user)
    _audit(actor=user, user=user, message=_("Second factor enrolled"))
    logger.info("two-factor: enrolled user %s", user.pk)
    return codes


@transaction.atomic
def recovery_codes_make(*, request) -> list[str]:
    """New recovery codes for the signed-in (verified) user; the old ones stop working."""
    user = request.user
    if confirmed_device(user) is None:
        raise TwoFactorError(_("Set up an authenticator app first."))
    codes = _recovery_codes_replace(user)
    _audit(actor=user, user=user, message=_("New recovery codes made"))
    logger.info("two-factor: new recovery codes for user %s", user.pk)
    return codes


@transaction.atomic
def second_factor_remove(*, request) -> None:
    """A user who chose a second factor turns it off; those who must use one cannot (they
    move to a new phone by enrolling it instead)."""
    user = request.user
    if must_use_second_factor(user):
        raise TwoFactorError(
            _("Your account must use a second factor. To move to a new phone, set it up below.")
        )
    _forget(user)
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session[REQUIRED_SESSION_KEY] = ""
    _audit(actor=user, user=user, message=_("Second factor removed"))
    logger.info("two-factor: removed by user %s", user.pk)


def may_reset(actor, user) -> bool:
    """County staff and superusers reset another person's second factor (a lost phone must
    not lock the county out); only a superuser resets a superuser's; nobody their own here
    (their own page does that, after a code)."""
    if actor.pk == user.pk or not must_use_second_factor(actor):
        return False
    return actor.is_superuser or not user.is_superuser


@transaction.atomic
def second_factor_reset(*, user, actor) -> None:
    """Forget ``user``'s authenticator and recovery codes: at their next page they set up a
    new one (if they must use one) or go on with their password (if they chose one)."""
    if not may_reset(actor, user):
        raise TwoFactorError(_("You may not reset this person's second factor."))
    _forget(user)
    _audit(actor=actor, user=user, message=_("Second factor reset by staff"))
    logger.info("two-factor: reset for user %s by user %s", user.pk, actor.pk)


@transaction.atomic
def second_factor_reset_on_server(*, user) -> None:
    """The same reset from the server's console (``manage.py two_factor_reset``): for the
    superuser who lost their phone when nobody else can reset it in the administration. The
    console has no account: the audit row is the user's own and says where it came from."""
    _forget(user)
    _audit(actor=user, user=user, message=_("Second factor reset on the server"))
    logger.info("two-factor: reset for user %s from the command line", user.pk)


def _forget(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def totp_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code ``device``'s app shows at time ``at`` (now): for the demo's command and the
    tests, which have no phone. The portal itself never shows it."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"
