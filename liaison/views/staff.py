"""Pages for staff and representatives (login required)."""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from liaison import qrcodes
from liaison.forms import QrCardsForm
from liaison.links import leader_for
from liaison.models import Representative, Station, StationMembership
from liaison.roles import roles_for


def _card(*, title, subtitle, station_name, url):
    return {
        "title": title,
        "subtitle": subtitle,
        "station_name": station_name,
        "qr_svg": qrcodes.qr_svg_inline(url),
    }


@staff_member_required
@require_GET
def qr_cards(request):
    """A printable A4 sheet of QR cards (no photos): for chosen representatives or a station."""
    form = QrCardsForm(request.GET or None)
    cards = []
    heading = ""
    if form.is_valid():
        station = None
        if form.cleaned_data["station"]:
            station = (
                Station.objects.active()
                .select_related("town")
                .filter(pk=form.cleaned_data["station"])
                .first()
            )
        if station is not None:
            heading = station.name
            cards.append(
                _card(
                    title=station.name,
                    subtitle=station.get_kind_display(),
                    station_name=station.town.name,
                    url=station.qr_url,
                )
            )
            memberships = StationMembership.objects.filter(
                station=station, representative__is_active=True
            ).select_related("representative")
            reps = [(m.representative, station.name) for m in memberships]
        else:
            ids = form.cleaned_data["representative"][:500]
            reps_qs = (
                Representative.objects.active()
                .filter(pk__in=ids)
                .prefetch_related("memberships__station")
            )
            reps = []
            for rep in reps_qs:
                first = next((m for m in rep.memberships.all() if m.station.is_active), None)
                reps.append((rep, first.station.name if first else ""))
        for rep, station_name in reps:
            cards.append(
                _card(
                    title=rep.name,
                    subtitle=rep.get_level_display(),
                    station_name=station_name,
                    url=rep.qr_url,
                )
            )
    return render(
        request, "liaison/qr_cards.html", {"form": form, "cards": cards, "heading": heading}
    )


@login_required
@require_GET
def my_page(request):
    """A signed-in representative's own page: their public page and QR code."""
    rep = (
        Representative.objects.filter(user=request.user)
        .prefetch_related("memberships__station__town")
        .first()
    )
    if rep is None:
        roles = roles_for(request.user)
        if roles.unit_ids or (roles.is_staff_member and request.user.is_staff):
            # Not a representative: their work is elsewhere (the unit queue, the admin).
            return redirect("petitions:work_home")
        if leader_for(request.user) is not None:
            # A member of the standing committee's leadership (五联系机制) who is not a
            # representative: their page is their links (signing in lands here).
            return redirect("liaison:my_links")
    return render(request, "liaison/my_page.html", {"rep": rep})
