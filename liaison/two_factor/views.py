"""The two-factor pages: the code after the password, setting up an authenticator app, the
recovery codes shown once, and the user's own management page. Thin: the rules and every
change are in services.py."""

from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from liaison.qrcodes import qr_svg_inline
from liaison.two_factor import services
from liaison.two_factor.forms import CodeForm
from liaison.two_factor.services import TwoFactorError


def _next_url(request) -> str:
    """Where to go once done: the page the user asked for, if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _to(name: str, after: str):
    return redirect(f"{reverse(name)}?{urlencode({'next': after})}")


def _throttle_note() -> str:
    return _(
        "After a wrong code you wait a moment before the next try, twice as long after each "
        "further wrong code."
    )


@never_cache
@login_required
def verify(request):
    """The step after the password: a code from the app, or a recovery code."""
    user = request.user
    after = _next_url(request)
    if user.is_verified():
        return redirect(after)
    if services.confirmed_device(user) is None:
        if services.must_use_second_factor(user):
            return _to("two_factor:enrol", after)
        # Staff reset the second factor this person had chosen: the password is enough again.
        request.session[services.REQUIRED_SESSION_KEY] = ""
        return redirect(after)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.second_factor_verify(request=request, token=form.cleaned_data["code"])
        except TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            return redirect(after)
    return render(
        request,
        "registration/two_factor.html",
        {"form": form, "next": after, "throttle_note": _throttle_note()},
    )


@never_cache
@login_required
def enrol(request):
    """Set up an authenticator app: its QR code and secret, then its first code."""
    user = request.user
    after = _next_url(request)
    if services.confirmed_device(user) is not None and not user.is_verified():
        # Only a verified session may put a new phone in place of the old one.
        return _to("two_factor:verify", after)
    # The pending device is made on the first visit and shown again on the next ones (the
    # QR code already scanned stays valid); it signs nothing in until a code confirms it.
    device = services.enrolment_device(user)
    form = CodeForm(request.POST or None, digits_only=True)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.second_factor_enrol(
                request=request, device=device, token=form.cleaned_data["code"]
            )
        except TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            request.session[services.NEW_CODES_SESSION_KEY] = codes
            return _to("two_factor:codes", after)
    secret = b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "form": form,
            "next": after,
            "qr_svg": qr_svg_inline(device.config_url),
            # In groups of four, as authenticator apps print secrets: easier to type.
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "issuer": settings.OTP_TOTP_ISSUER,
            "must_use": services.must_use_second_factor(user),
            "replacing": services.confirmed_device(user) is not None,
            "throttle_note": _throttle_note(),
        },
    )


@never_cache
@login_required
def codes(request):
    """The recovery codes just made, shown once, to print or write down."""
    new_codes = request.session.pop(services.NEW_CODES_SESSION_KEY, None)
    return render(
        request,
        "registration/two_factor_codes.html",
        {"codes": new_codes, "next": _next_url(request)},
    )


@never_cache
@login_required
def manage(request):
    """A user's own second factor: set it up, count and renew the recovery codes, turn it off
    (only for those who chose it)."""
    user = request.user
    device = services.confirmed_device(user)
    here = reverse("two_factor:manage")
    if request.method == "POST":
        if device is not None and not user.is_verified():
            return _to("two_factor:verify", here)
        action = request.POST.get("action")
        try:
            if action == "codes":
                request.session[services.NEW_CODES_SESSION_KEY] = services.recovery_codes_make(
                    request=request
                )
                return _to("two_factor:codes", here)
            if action == "remove":
                services.second_factor_remove(request=request)
                messages.success(request, _("Two-factor sign-in is off for your account."))
        except TwoFactorError as error:
            messages.error(request, str(error))
        return redirect(here)
    return render(
        request,
        "registration/two_factor_manage.html",
        {
            "device": device,
            "codes_left": services.recovery_codes_left(user) if device else 0,
            "must_use": services.must_use_second_factor(user),
        },
    )
