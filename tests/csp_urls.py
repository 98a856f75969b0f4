"""The site's URLconf and a few test-only pages: the error pages Django's handlers draw
(400, 403, 500), and a page that breaks the Content-Security-Policy on purpose, to prove
that the browser tests notice (tests/browser/test_csp.py)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpResponse
from django.urls import path

from zhashui_rd.urls import urlpatterns as site_urlpatterns

INLINE_PAGE = """<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">
<title>inline</title><style>p { color: red; }</style></head><body>
<p style="color: red">inline style</p>
<script>document.title = "inline script ran";</script>
<button type="button" onclick="document.title = 'inline handler ran'">tap</button>
</body></html>"""


def inline_page(request):
    return HttpResponse(INLINE_PAGE)


def bad_request(request):
    raise SuspiciousOperation("test")


def forbidden(request):
    raise PermissionDenied


def server_error(request):
    raise RuntimeError("test")


urlpatterns = [
    path("test-only/inline/", inline_page),
    path("test-only/400/", bad_request),
    path("test-only/403/", forbidden),
    path("test-only/500/", server_error),
    *site_urlpatterns,
]
