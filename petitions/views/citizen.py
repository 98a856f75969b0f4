"""Citizen pages: no account, a phone in WeChat's browser, no JavaScript.

A citizen posts a concern from a representative's page (reached by their QR code) or a
station's page, gets a tracking number and a secret tracking link, and follows the concern
on the page that link opens: its steps, the public replies, the unit's result, and the
satisfaction survey. Whoever holds the link sees the concern but never the citizen's name or
phone; without the link there is nothing to see.
"""

import functools
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

import liaison.urls  # noqa: F401  (registers the "token" path converter used below)
from liaison import qrcodes
from liaison.access import QrTokenReplaced, get_representative_by_token, get_station_by_token
from liaison.files import private_file_response
from liaison.models import Village
from liaison.network import (
    Limit,
    SlidingLimit,
    client_network,
    count_request,
    minutes,
    seconds_to_wait,
)
from petitions import access, services, workflow
from petitions.citizen_forms import PHOTO_FIELDS, ConcernForm, PhotoUploadLimit, SurveyForm
from petitions.errors import WorkflowError
from petitions.models import Petition, PetitionEvent, PetitionPhoto, ResultAttachment, Step
from petitions.photos import photo_thumbnail, photo_too_big_message
from petitions.tracking import tracking_url

# The six steps (六步工作法) a citizen follows on the tracking page.
SIX_STEPS = (
    Step.RECEIVED,
    Step.COLLECTED,
    Step.ASSIGNED,
    Step.SUPERVISING,
    Step.REPORTED,
    Step.SURVEYED,
)


# Notes the citizen reads: public replies, the reason for an extension, a refusal or a
# closing, the unit's result, their own rating. The notes of collect, assign and accept are
# staff's instructions to each other (they may name people, or copy the citizen's phone),
# so the tracking page shows those steps without their notes.
# Legal advice reaches the tracking page only when its worker marked it public.
CITIZEN_NOTE_KINDS = {
    PetitionEvent.Kind.REPLY,
    PetitionEvent.Kind.EXTENSION,
    PetitionEvent.Kind.LEGAL_ADVICE,
}
CITIZEN_NOTE_ACTIONS = {"reject", "merge", "report", "reopen", "survey", "close"}


# --- decorators ----------------------------------------------------------------------------


def _unshared(view):
    """For pages that carry a one-time form key or a tracking token in their content: no
    cache may keep them (a cached form would hand every visitor the same key, and so the
    same petition and its link) and no search engine may index them."""

    @never_cache
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _secret(view):
    """For pages whose URL is the secret tracking link: as ``_unshared``, and no Referer
    header ever takes the link to another page or site."""
    unshared = _unshared(view)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = unshared(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


def _limit_uploads(view):
    """Read the posted body through ``PhotoUploadLimit``, then check CSRF as usual.

    The limit must be in place before anything reads the body, and the CSRF middleware
    reads it before any view runs: hence exempt here and protected right after (the pattern
    Django's documentation gives for per-view upload handlers). A body Django refuses to
    parse (too many fields, a broken multipart) gets a plain message, never a 500.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        limit = PhotoUploadLimit(request, allowed_fields=PHOTO_FIELDS)
        request.upload_handlers.insert(0, limit)
        if request.method == "POST":
            try:
                len(request.POST)  # parse now, under the limit
            except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
                return render(
                    request,
                    "petitions/citizen_upload_error.html",
                    {"message": photo_too_big_message(), "back": request.path},
                    status=400,
                )
        request.oversized_uploads = limit.oversized
        return protected(request, *args, **kwargs)

    return wrapper


# --- posting a concern ----------------------------------------------------------------------


def _replaced(request):
    return render(request, "liaison/qr_replaced.html", status=410)


# What the form shows again, as typed, when a submission is over a rate limit: every field
# but its one-time key (the form drawn again has a fresh one) and the photos (added per
# form, never refilled by a browser).
KEPT_FIELDS = [name for name in ConcernForm.base_fields if name != "submit_key"]


def submission_limits(request, page: str) -> list[Limit | SlidingLimit]:
    """The rate limits a concern sent from ``page`` (a representative's or a station's form)
    counts against: per client address, and per page (a flood from many addresses).

    Only concerns actually made count: a citizen whose form came back with a mistake must
    be able to correct it and send it at once, and a refresh of the result page (the same
    form key) makes nothing new. (A looser limit on every POST, SUBMISSION_RATE_ATTEMPTS,
    bounds the work of forms sent wrong on purpose.) The limits are checked before the form
    is read, so a request over them costs no image decoding and creates nothing."""
    address = client_network(request)
    return [
        Limit("concern-address-short", settings.SUBMISSION_RATE_SHORT, address),
        # Within any five minutes, not per fixed window (see SlidingLimit).
        SlidingLimit("concern-address-long", settings.SUBMISSION_RATE_LONG, address),
        Limit("concern-page-short", settings.SUBMISSION_RATE_PAGE_SHORT, page),
        Limit("concern-page-long", settings.SUBMISSION_RATE_PAGE_LONG, page),
    ]


def _too_often(request, context, villages, wait: int):
    """The same form, everything typed kept (a browser cannot refill its photo inputs:
    the page says so), with the message at the top; 429, and nothing saved."""
    typed = {name: request.POST.get(name) for name in KEPT_FIELDS if request.POST.get(name)}
    context["form"] = ConcernForm(villages=villages, initial=typed)
    context["too_often"] = {
        "message": _("Sent too often: please wait %(minutes)d minutes and send it again.")
        % {"minutes": minutes(wait)},
        "had_photos": bool(request.FILES) or bool(getattr(request, "oversized_uploads", ())),
    }
    response = render(request, "petitions/citizen_concern.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _already_sent(request) -> bool:
    """Whether the posted form's key already made a concern: a refresh of the result page
    sends it again, and gets that same page back (it makes nothing), limit or not."""
    try:
        key = uuid.UUID(str(request.POST.get("submit_key", "")))
    except ValueError:
        return False
    return Petition.objects.filter(submit_key=key).exists()


def _concern(request, *, channel, page, representative=None, station=None, town_ids=()):
    """The form, and on a valid POST the petition and its result page."""
    villages = Village.objects.select_related("town")
    if town_ids:
        villages = villages.filter(town_id__in=town_ids)
    context = {
        "representative": representative,
        "station": station,
        "retention_days": settings.PETITION_RETENTION_DAYS,
        "max_photos": len(PHOTO_FIELDS),
        "photo_max_mb": settings.PETITION_PHOTO_MAX_BYTES // (1024 * 1024),
    }
    if request.method != "POST":
        context["form"] = ConcernForm(villages=villages)
        return render(request, "petitions/citizen_concern.html", context)

    limits = submission_limits(request, page)
    # Every POST, valid or not, counts here: each may carry six photos to decode.
    attempts = Limit(
        "concern-address-attempts", settings.SUBMISSION_RATE_ATTEMPTS, client_network(request)
    )
    wait = seconds_to_wait(request, [*limits, attempts])
    if wait is not None and not _already_sent(request):
        return _too_often(request, context, villages, wait)
    attempts.count(request)
    form = ConcernForm(
        request.POST,
        request.FILES,
        villages=villages,
        oversized=getattr(request, "oversized_uploads", ()),
    )
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            petition, token, created = services.petition_receive(
                channel=channel,
                text=data["text"],
                representative=representative,
                station=station,
                category=data["category"],
                village=data["village"],
                citizen_name=data["name"],
                citizen_phone=data["mobile"],
                consent=data["consent"],
                submit_key=data["submit_key"],
                photos=data["photos"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            if created:
                count_request(request, limits)
            # Shown in the POST's own response: a refresh sends the same key again and
            # shows this same page, never a second petition.
            return render(
                request,
                "petitions/citizen_done.html",
                {
                    "petition": petition,
                    "token": token,
                    "tracking_url": tracking_url(token),
                    "replayed": not created,
                    "has_phone": bool(petition.citizen_phone),
                },
            )
    context["form"] = form
    return render(request, "petitions/citizen_concern.html", context, status=status)


@_limit_uploads
@_unshared
@require_http_methods(["GET", "POST"])
def concern_to_representative(request, token):
    """码上说: the form behind a representative's QR code."""
    try:
        rep = get_representative_by_token(token, with_stations=True)
    except QrTokenReplaced:
        return _replaced(request)
    stations = [m.station for m in rep.memberships.all() if m.station.is_active]
    return _concern(
        request,
        channel=Petition.Channel.QR,
        page=f"representative:{rep.pk}",
        representative=rep,
        # A representative at exactly one station: the concern is that station's too.
        station=stations[0] if len(stations) == 1 else None,
        town_ids={s.town_id for s in stations},
    )


@_limit_uploads
@_unshared
@require_http_methods(["GET", "POST"])
def concern_to_station(request, token):
    """The form of a station's online page (网上代表联络站)."""
    try:
        station = get_station_by_token(token)
    except QrTokenReplaced:
        return _replaced(request)
    return _concern(
        request,
        channel=Petition.Channel.STATION_PAGE,
        page=f"station:{station.pk}",
        station=station,
        town_ids={station.town_id},
    )


# --- tracking ------------------------------------------------------------------------------


def tracking_queryset():
    """Everything the tracking page shows, in four queries whatever the history's length.
    Only public events: notes, reminders and returns are the staff's, not the citizen's; and
    only the result's attachments its unit chose to show the citizen."""
    return Petition.objects.select_related("category", "unit", "merged_into").prefetch_related(
        "photos",
        Prefetch(
            "events",
            queryset=PetitionEvent.objects.filter(is_public=True),
            to_attr="public_events",
        ),
        Prefetch(
            "attachments",
            queryset=ResultAttachment.objects.filter(is_public=True),
            to_attr="public_attachments",
        ),
    )


def tracking_steps(step: str, events) -> list[dict]:
    """The six steps as the citizen sees them: done, current or still to come, each with
    the date it was last reached (不满意 sends a concern back to supervising, and the
    steps after it are to come again). A concern not accepted or merged stopped where it
    was: the steps it never reached are marked as such."""
    reached = {}
    for event in events:
        if event.kind == PetitionEvent.Kind.TRANSITION and event.to_step:
            reached[event.to_step] = event.created_at
    if step == Step.CLOSED:
        current = len(SIX_STEPS)
    elif step in SIX_STEPS:
        current = SIX_STEPS.index(step)
    else:
        current = None
    rows = []
    for index, value in enumerate(SIX_STEPS):
        if current is None:
            state = "done" if value in reached else "stopped"
        elif index < current:
            state = "done" if value in reached else "skipped"
        elif index == current:
            state = "current"
        else:
            state = "todo"
        rows.append(
            {
                "step": value,
                "label": Step(value).label,
                "state": state,
                "date": reached.get(value) if state in ("done", "current") else None,
            }
        )
    return rows


def _citizen_note(event: PetitionEvent) -> str:
    if event.kind in CITIZEN_NOTE_KINDS or event.action in CITIZEN_NOTE_ACTIONS:
        return event.note
    return ""


def _tracking_page(request, petition, token, *, survey_form=None, status=200):
    for event in petition.public_events:
        event.citizen_note = _citizen_note(event)
    if survey_form is None and petition.step == Step.REPORTED:
        survey_form = SurveyForm()
    context = {
        "petition": petition,
        "token": token,
        "steps": tracking_steps(petition.step, petition.public_events),
        "events": petition.public_events,
        "survey_form": survey_form if petition.step == Step.REPORTED else None,
    }
    context["result_photos"] = [a for a in petition.public_attachments if a.is_image]
    context["result_files"] = [a for a in petition.public_attachments if not a.is_image]
    return render(request, "petitions/citizen_tracking.html", context, status=status)


@_secret
@require_GET
def track(request, token):
    """The secret tracking link's page."""
    petition = access.get_petition_by_token(token, tracking_queryset())
    return _tracking_page(request, petition, token)


def _survey_refused(request, token, message, status):
    messages.error(request, message)
    petition = access.get_petition_by_token(token, tracking_queryset())
    return _tracking_page(request, petition, token, status=status)


# No CSRF check: the secret token in the URL is the whole credential (no cookie, no
# session), so a forged request gains nothing its sender could not do directly; and the
# page's no-referrer policy makes browsers send "Origin: null", which the check refuses.
@csrf_exempt
@_secret
@require_http_methods(["GET", "POST"])
def track_survey(request, token):
    """满意度测评 by the citizen: 满意 / 基本满意 close, 不满意 reopens (at most twice)."""
    petition = access.get_petition_by_token(token, tracking_queryset())
    if request.method == "GET":  # a reload after rating, or a shared address
        return redirect("petitions:track", token=token)
    form = SurveyForm(request.POST)
    if not form.is_valid():
        return _tracking_page(request, petition, token, survey_form=form, status=400)
    try:
        workflow.petition_survey(
            petition=petition,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            actor=None,
        )
    except WorkflowError as error:
        return _survey_refused(request, token, error.message, error.status)
    except IntegrityError:
        # The same round rated twice at the same moment (one survey per round): the other
        # request won, and its rating stands.
        return _survey_refused(request, token, _("Your rating has already been recorded."), 409)
    messages.success(request, _("Thank you: your rating has been recorded."))
    return redirect("petitions:track", token=token)


@_secret
@require_GET
def track_qr(request, token):
    """The QR code of the tracking link, to save on the phone."""
    access.get_petition_by_token(token, Petition.objects.only("pk"))
    return HttpResponse(qrcodes.qr_png(tracking_url(token), box_size=8), content_type="image/png")


@_secret
@require_GET
def track_photo(request, token, photo_id, thumb=False):
    """A photo of this petition (or its thumbnail), to the holder of its link only."""
    petition = access.get_petition_by_token(token, Petition.objects.only("pk"))
    photo = get_object_or_404(PetitionPhoto, pk=photo_id, petition=petition)
    file = photo_thumbnail(photo=photo) if thumb else photo.image
    return private_file_response(file, content_type="image/jpeg")


@_secret
@require_GET
def track_attachment(request, token, attachment_id, thumb=False):
    """An attachment of the result its unit made public, to the holder of the link only: a
    photo (stored re-encoded) shown in the page, a PDF downloaded. The others are staff's."""
    petition = access.get_petition_by_token(token, Petition.objects.only("pk"))
    attachment = get_object_or_404(
        ResultAttachment, pk=attachment_id, petition=petition, is_public=True
    )
    if attachment.is_image:
        file = photo_thumbnail(photo=attachment, source="file") if thumb else attachment.file
        return private_file_response(file, content_type="image/jpeg")
    return private_file_response(
        attachment.file,
        content_type="application/pdf",
        filename=attachment.name,
        as_attachment=True,
    )


urlpatterns = [
    path(
        "r/<token:token>/concern/",
        concern_to_representative,
        name="concern_to_representative",
    ),
    path("s/<token:token>/concern/", concern_to_station, name="concern_to_station"),
    path("t/<token:token>/", track, name="track"),
    path("t/<token:token>/survey/", track_survey, name="track_survey"),
    path("t/<token:token>/qr.png", track_qr, name="track_qr"),
    path("t/<token:token>/photos/<int:photo_id>/", track_photo, name="track_photo"),
    path(
        "t/<token:token>/photos/<int:photo_id>/thumb/",
        track_photo,
        {"thumb": True},
        name="track_photo_thumb",
    ),
    path(
        "t/<token:token>/results/<int:attachment_id>/",
        track_attachment,
        name="track_attachment",
    ),
    path(
        "t/<token:token>/results/<int:attachment_id>/thumb/",
        track_attachment,
        {"thumb": True},
        name="track_attachment_thumb",
    ),
]
