from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from zhashui_rd.auth import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm

admin.site.site_header = _("Zhashui County People's Congress liaison portal")
admin.site.site_title = _("Zhashui people's congress portal")
admin.site.index_title = _("Administration")
admin.site.login_form = ThrottledAdminAuthenticationForm


def healthz(request):
    """A bare Django view: for load balancers, and the floor in bench/citizen_pages.py."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("petitions.urls")),
    path("", include("points.urls")),
    path("", include("liaison.urls")),
]

if settings.SERVE_MEDIA:
    # Public media only (station and representative photos); `make run` uses this,
    # production serves MEDIA_ROOT from the web server.
    urlpatterns += [
        re_path(
            r"^media/(?P<path>(?:stations|representatives)/.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
