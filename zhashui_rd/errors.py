"""Error pages the site's settings point at (CSRF_FAILURE_VIEW)."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """Every refused CSRF check, a citizen's form or a staff page: the friendly Chinese
    page with the site's context (Django's own view renders it without the request, and in
    debug mode would offer its technical page). The reason is Django's, for its log, never
    for the visitor."""
    return render(request, "403_csrf.html", status=403)
