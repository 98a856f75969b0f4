"""The second factor as its own step after the password: a signed-in user who must pass it
and has not, in this session, is sent to the two-factor page from every page but a few."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect, resolve_url
from django.urls import reverse

from liaison.two_factor.services import MUST, REQUIRED_SESSION_KEY, requirement_for


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
        response = self.get_response(request)
        if getattr(request, "_two_factor_not_required", False):
            self._notice_new_role(request)
        return response

    @staticmethod
    def _notice_new_role(request):
        """A user made county staff since signing in: the page just served asked who they are
        anyway (roles_for caches it on the user), so, at no query, their next page asks for the
        second factor instead of waiting for their next sign-in."""
        roles = getattr(request.user, "_roles", None)
        if roles is not None and roles.county:
            request.session[REQUIRED_SESSION_KEY] = MUST

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
        required = requirement_for(request)
        if not required and user.is_superuser:
            # Made a superuser since signing in: the user is loaded already, so this is free.
            required = request.session[REQUIRED_SESSION_KEY] = MUST
        if not required:
            request._two_factor_not_required = True
            return False
        return not user.is_verified()
