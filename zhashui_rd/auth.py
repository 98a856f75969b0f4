"""Sign-in throttling for staff and representatives (the admin and /accounts/login/)."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _


def client_ip(request) -> str:
    """The client's address; behind our own proxy, the address it saw."""
    if request is None:
        return ""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


class ThrottledLoginMixin:
    """Refuse sign-in for LOGIN_LOCKOUT_SECONDS after LOGIN_MAX_FAILURES failures for one
    account from one address (and after four times as many for one account from anywhere)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed sign-ins. Please wait %(minutes)d minutes and try again."),
    }

    def _keys(self, username: str):
        name = (username or "").strip().lower()
        return (
            (f"login-fail:{name}:{client_ip(self.request)}", settings.LOGIN_MAX_FAILURES),
            (f"login-fail:{name}", settings.LOGIN_MAX_FAILURES * 4),
        )

    def clean(self):
        username = self.cleaned_data.get("username")
        keys = self._keys(username)
        if any((cache.get(key) or 0) >= limit for key, limit in keys):
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            for key, _limit in keys:
                cache.add(key, 0, settings.LOGIN_LOCKOUT_SECONDS)
                try:
                    cache.incr(key)
                except ValueError:
                    cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)
            raise
        cache.delete(keys[0][0])
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
