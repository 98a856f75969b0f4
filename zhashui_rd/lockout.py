"""What django-axes shows and logs when a username is locked out from an address (its
settings are in settings.py: AXES_LOCKOUT_CALLABLE, AXES_CLIENT_STR_CALLABLE)."""

from django.conf import settings
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from liaison.network import minutes
from liaison.privacy import mask_phone

# Axes answers a lock-out with 429 Too Many Requests; the page says the same in words.
LOCKED_OUT_STATUS = 429


def lockout_message() -> str:
    return _("Too many failed sign-ins. Please wait %(minutes)d minutes and try again.") % {
        "minutes": minutes(settings.LOGIN_LOCKOUT_SECONDS)
    }


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page the user was on (the portal's or the administration's), its form
    saying why it refuses: axes hands us that page as it was about to answer "wrong
    password", so the user sees the same form, not a bare page of English."""
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    template = getattr(original_response, "template_name", None)
    if form is None or template is None:
        return HttpResponse(
            lockout_message(),
            status=LOCKED_OUT_STATUS,
            content_type="text/plain; charset=utf-8",
        )
    # The wrong-password error would contradict the lock-out: whether the password was
    # right is not checked while locked out.
    form.errors.clear()
    form.add_error(None, lockout_message())
    response = TemplateResponse(request, template, context, status=LOCKED_OUT_STATUS)
    return response.render()


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How axes names a client in its log lines: no phone number in a log, even when a
    representative's username is their mobile number."""
    name = username or ""
    if name.isdigit() and len(name) >= 7:
        name = mask_phone(name)
    return f"{{username: {name!r}, ip_address: {ip_address!r}, path_info: {path_info!r}}}"
