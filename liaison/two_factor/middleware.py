"""The second factor as its own step after the password: a signed-in user who must pass it
and has not, in this session, is sent to the two-factor page from every page but a few."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect, resolve_url
from django.urls import reverse

from liaison.two_factor.services import requirement_for


def _exempt_prefixes() -> tuple[str, ...]:
    # The two-factor pages themselves, signing in and out, files and the load balancer's
    # check. Everything else (the admin first of all) waits for the second factor.
    return (
        reverse("two_factor:verify"),
        reverse("login"),
        reverse("logout"),
        reverse("healthz"),
        settings.STATIC_URL,
        settings.MEDIA_URL,
    )


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware, which tells whether the session is verified.

    Queries: none for a request without a session cookie; none for a signed-in user who need
    not pass a second factor beyond the session the page reads anyway (the requirement is
    noted in the session at sign-in); for one who must, the one query by which OTPMiddleware
    loads the device that verified the session."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt = None

    def __call__(self, request):
        if self._must_stop(request):
            if request.method in ("GET", "HEAD"):
                after = request.get_full_path()
            else:
                after = resolve_url(settings.LOGIN_REDIRECT_URL)
            return redirect(f"{reverse('two_factor:verify')}?{urlencode({'next': after})}")
        return self.get_response(request)

    def _must_stop(self, request) -> bool:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False  # nobody is signed in without a session (a citizen's visit)
        if self._exempt is None:
            self._exempt = _exempt_prefixes()
        if request.path.startswith(self._exempt):
            return False
        user = request.user
        if not user.is_authenticated:
            return False
        return requirement_for(request) and not user.is_verified()
