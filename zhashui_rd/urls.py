import posixpath

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from liaison.roles import roles_for
from liaison.urls import build_urlpatterns as liaison_urlpatterns
from petitions.grids import grid_micro_matter_count
from points.publication import published_report_for

admin.site.site_header = _("Zhashui County People's Congress liaison portal")
admin.site.site_title = _("Zhashui people's congress portal")
admin.site.index_title = _("Administration")


def healthz(request):
    """A bare Django view: for load balancers, and the floor in bench/citizen_pages.py."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def landing(request):
    """Where signing in leads (LOGIN_REDIRECT_URL; a ``?next=`` wins): each role to its
    work. Representatives, units and congress staff go through /work/, which knows each
    one's list; staff with no role there go to the administration, where they work; a user
    who is nobody yet to the page that says their account is not linked."""
    if roles_for(request.user).is_anyone:
        return redirect("petitions:work_home")
    if request.user.is_staff:
        return redirect("admin:index")
    return redirect("liaison:my_page")


urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    # The site's URLconf knows every app, so it hands the liaison pages what they show from
    # the points app. First after the health check: a QR page is the most requested URL,
    # and Django tries the patterns in order (behind fifty others, resolving it cost more
    # than serving it from the cache: bench/README.md). No liaison pattern matches another
    # app's URL.
    path(
        "",
        include(
            (
                liaison_urlpatterns(
                    published_record=published_report_for,
                    micro_matters=grid_micro_matter_count,
                ),
                "liaison",
            ),
            namespace="liaison",
        ),
    ),
    path("admin/", admin.site.urls),
    # Django's own sign-in forms; django-axes (settings.py) locks a username out per address.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/welcome/", landing, name="landing"),
    # Two-factor sign-in (issue #10): the step after the password, and its settings.
    path("accounts/two-factor/", include("liaison.two_factor.urls")),
    path("", include("petitions.urls")),
    path("", include("mediation.urls")),
    path("", include("keyissues.urls")),
    path("", include("study.urls")),
    path("", include("points.urls")),
    path("", include("measures.urls")),
]

# The only folders of MEDIA_ROOT that are public: station and representative photos.
PUBLIC_MEDIA = ("stations", "representatives")


def public_media(request, path):
    """A public photo, for `make run` (production serves these folders from the web server).
    The folder is checked after the path is normalised, so "stations/../evidence/…" (or its
    %2e%2e spelling) cannot reach the private files beside them."""
    parts = path.split("/")
    if ".." in parts or posixpath.normpath(path).split("/")[0] not in PUBLIC_MEDIA:
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response._csp_exempt = True  # a photo, not a page (liaison/files.py says why)
    return response


if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", public_media)]
