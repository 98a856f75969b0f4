"""Staff intake (issue 9): county, town and station staff enter a concern that reached them by
phone, letter, the petition hall, the 12345 hotline or a congress activity, then read the
tracking number and link out to the citizen or print them on an A6 slip.

The tracking link's token is stored hashed; it is derived from the form's one-time key
(``tracking.token_for_submit_key``), so the page right after saving, and the slip printed from
it, can show it: the slip is asked for by POST with that key, never by a URL that would keep
the token in a history or a log. Anyone but congress staff gets 404, as on the statistics.
"""

import uuid
from datetime import timedelta
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.files import private_file_response
from petitions import access, services
from petitions.errors import WorkflowError
from petitions.intake_forms import ACTIVITY_DAYS, IntakeForm
from petitions.models import PersonalDataView, ScannedLetter
from petitions.statistics import may_see_statistics
from petitions.tracking import token_for_submit_key, tracking_url

# How long after saving the slip can still be printed from the saved page.
SLIP_MINUTES = 60


def intake_staff_only(view):
    """Signed-in congress staff only; no page that carries a token is ever cached."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_see_statistics(request.user):
            raise Http404
        response = view(request, *args, **kwargs)
        # No no-referrer policy: these URLs carry no token (it is in the page only), and
        # with it browsers send "Origin: null", which the CSRF check of the slip's form refuses.
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _saved(request, petition, token, *, replayed):
    return render(
        request,
        "petitions/intake_done.html",
        {
            "petition": petition,
            "token": token,
            "tracking_url": tracking_url(token),
            "replayed": replayed,
        },
    )


@intake_staff_only
@require_http_methods(["GET", "POST"])
def staff_intake(request):
    if request.method != "POST":
        form = IntakeForm(user=request.user)
        return _render_form(request, form)
    form = IntakeForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        try:
            petition, token, created = services.petition_receive(
                **form.receive_arguments(), entered_by=request.user
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            # Shown in the POST's own response: a refresh sends the same key again and
            # shows this same page, never a second concern.
            return _saved(request, petition, token, replayed=not created)
    return _render_form(request, form, status=400)


def _render_form(request, form, status=200):
    return render(
        request,
        "petitions/intake_form.html",
        {"form": form, "activity_days": ACTIVITY_DAYS},
        status=status,
    )


@intake_staff_only
@require_POST
def staff_intake_slip(request):
    """The A6 slip of a concern just entered: asked for with the form's one-time key."""
    key = request.POST.get("submit_key", "")
    petition = (
        access.petitions_for_user(request.user)
        .filter(submit_key=key if _is_uuid(key) else None)
        .filter(created_at__gte=timezone.now() - timedelta(minutes=SLIP_MINUTES))
        .first()
    )
    if petition is None:
        raise Http404
    token = token_for_submit_key(petition.submit_key)
    return render(
        request,
        "petitions/intake_slip.html",
        {"petition": petition, "token": token, "tracking_url": tracking_url(token)},
    )


def _is_uuid(value: str) -> bool:
    # A malformed key reads as "no such slip", never as a database error.
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
@require_GET
def staff_letter(request, pk, letter_pk):
    """A scanned letter, for congress staff who may see the concern: it carries the
    citizen's name and address in their hand, so each opening is recorded like a view of the
    name on the concern's page."""
    if not may_see_statistics(request.user):
        raise Http404
    petition = access.get_petition_for_user(request.user, pk)
    letter = get_object_or_404(ScannedLetter, pk=letter_pk, petition=petition)
    PersonalDataView.objects.create(user=request.user, petition=petition, where="admin")
    return private_file_response(letter.file, content_type="application/pdf", filename=letter.name)


urlpatterns = [
    path("staff/intake/", staff_intake, name="staff_intake"),
    path("staff/intake/slip/", staff_intake_slip, name="staff_intake_slip"),
    path(
        "staff/petitions/<int:pk>/letters/<int:letter_pk>/",
        staff_letter,
        name="staff_letter",
    ),
]
