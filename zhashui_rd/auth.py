"""Sign-in throttling for staff and representatives (the admin and /accounts/login/)."""

import logging

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


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

    def _failures(self, key) -> int:
        try:
            return cache.get(key) or 0
        except Exception:  # noqa: BLE001 - a cache outage must not lock everyone out
            logger.warning("Cache unavailable: sign-in throttling skipped")
            return 0

    def _record_failure(self, keys) -> None:
        try:
            for key, _limit in keys:
                cache.add(key, 0, settings.LOGIN_LOCKOUT_SECONDS)
                try:
                    cache.incr(key)
                except ValueError:
                    cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("Cache unavailable: a failed sign-in was not counted")

    def clean(self):
        username = self.cleaned_data.get("username")
        keys = self._keys(username)
        if any(self._failures(key) >= limit for key, limit in keys):
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            self._record_failure(keys)
            raise
        try:
            cache.delete(keys[0][0])
        except Exception:  # noqa: BLE001
            logger.warning("Cache unavailable: sign-in counter not reset")
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
