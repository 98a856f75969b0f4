"""Public pages: no login, phone first, no JavaScript needed.

The home page, a station's page and a representative's page are served to anonymous
visitors from the cache (liaison/public_cache.py says what they read and how a change
reaches them); the station list, filtered by its query string, and the QR images (kept by
browsers for an hour) are not."""

from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from liaison import qrcodes
from liaison.access import QrTokenReplaced, get_representative_by_token, get_station_by_token
from liaison.forms import StationFilterForm
from liaison.links import representative_links
from liaison.models import DutyDay, DutyShift, Representative, Station, StationMembership, Town
from liaison.network import limit_per_address
from liaison.public_cache import public_page
from liaison.rhythm import themes_on
from liaison.services import latest_stars_subquery, stations_with_stars

QR_CACHE_SECONDS = 3600
STATION_DUTY_DAYS_SHOWN = 4  # the next few reception days of a monthly roster


def _replaced(request):
    return render(request, "liaison/qr_replaced.html", status=410)


@require_GET
@public_page
def home(request):
    towns = Town.objects.prefetch_related(
        Prefetch("stations", queryset=stations_with_stars(), to_attr="active_stations")
    )
    totals = Station.objects.active().aggregate(
        stations=Count("pk"),
        points=Count("pk", filter=Q(kind=Station.Kind.POINT)),
        professional=Count("pk", filter=Q(kind=Station.Kind.PROFESSIONAL)),
    )
    totals["representatives"] = Representative.objects.active().count()
    return render(request, "liaison/home.html", {"towns": towns, "totals": totals})


@require_GET
def station_list(request):
    form = StationFilterForm(request.GET or None)
    stations = stations_with_stars().annotate(
        rep_count=Count("memberships", filter=Q(memberships__representative__is_active=True))
    )
    if form.is_valid():
        if form.cleaned_data["town"]:
            stations = stations.filter(town=form.cleaned_data["town"])
        if form.cleaned_data["kind"]:
            stations = stations.filter(kind=form.cleaned_data["kind"])
    return render(request, "liaison/station_list.html", {"form": form, "stations": list(stations)})


def _station_page(request, station):
    station.stars = (
        Station.objects.filter(pk=station.pk)
        .annotate(stars=latest_stars_subquery())
        .values_list("stars", flat=True)
        .first()
    )
    memberships = list(
        StationMembership.objects.filter(station=station, representative__is_active=True)
        .select_related("representative")
        .order_by("role", "representative__name")
    )
    return render(
        request,
        "liaison/station_detail.html",
        {
            "station": station,
            "memberships": memberships,
            "duty_days": _next_duty_days(station),
            # The rhythm of today (行动年, 主题季, 活动月): the cache key holds the date.
            "rhythm": themes_on(timezone.localdate()),
        },
    )


def _next_duty_days(station) -> list:
    """The station's next reception days (接待日) with the representatives on each roster:
    the duty roster is one of the things a station publishes (五公开). Two queries."""
    roster = DutyShift.objects.filter(representative__is_active=True).select_related(
        "representative"
    )
    return list(
        DutyDay.objects.filter(station=station, date__gte=timezone.localdate(), is_cancelled=False)
        .order_by("date")
        .prefetch_related(
            Prefetch("shifts", queryset=roster.order_by("representative__name"), to_attr="roster")
        )[:STATION_DUTY_DAYS_SHOWN]
    )


@require_GET
@public_page
def station_detail(request, slug):
    station = get_object_or_404(
        Station.objects.active().select_related("town", "village"), slug=slug
    )
    return _station_page(request, station)


@require_GET
@public_page
def station_qr_page(request, token):
    try:
        station = get_station_by_token(token)
    except QrTokenReplaced:
        return _replaced(request)
    return _station_page(request, station)


@require_GET
@public_page
def representative_detail(request, token, published_record=None):
    """A representative's public page. ``published_record(rep)`` gives their published yearly
    records: the points app keeps them, and the site's URLconf, which knows both apps, passes
    it in (liaison, the ground floor, imports neither petitions nor points)."""
    try:
        rep = get_representative_by_token(token, with_stations=True)
    except QrTokenReplaced:
        return _replaced(request)
    memberships = [m for m in rep.memberships.all() if m.station.is_active]
    return render(
        request,
        "liaison/representative_detail.html",
        {
            "rep": rep,
            "memberships": memberships,
            # 五联系机制: the standing committee's members, groups and committees linked.
            "links": representative_links(rep),
            # 代表法 Art. 58: the yearly record, once staff publish the year, never before.
            "published_reports": published_record(rep) if published_record else [],
        },
    )


def _qr_response(content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={QR_CACHE_SECONDS}"
    return response


# Each image is drawn anew (a PNG costs a few milliseconds of CPU): a loop fetching them
# must not take a worker from the citizens' pages.
@limit_per_address(group="qr-image", rate_setting="QR_IMAGE_RATE")
@require_GET
def representative_qr(request, token, fmt):
    try:
        rep = get_representative_by_token(token)
    except QrTokenReplaced:
        return _replaced(request)
    if fmt == "svg":
        return _qr_response(qrcodes.qr_svg(rep.qr_url), "image/svg+xml")
    return _qr_response(qrcodes.qr_png(rep.qr_url), "image/png")


@limit_per_address(group="qr-image", rate_setting="QR_IMAGE_RATE")
@require_GET
def station_qr(request, token, fmt):
    try:
        station = get_station_by_token(token)
    except QrTokenReplaced:
        return _replaced(request)
    if fmt == "svg":
        return _qr_response(qrcodes.qr_svg(station.qr_url), "image/svg+xml")
    return _qr_response(qrcodes.qr_png(station.qr_url), "image/png")
