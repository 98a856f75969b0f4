"""Look-ups of public objects by their QR token. Called first in every token view."""

from django.http import Http404

from liaison.models import Representative, RetiredQrToken, Station


class QrTokenReplaced(Exception):
    """The token was valid once, but its code has been replaced or withdrawn."""


def _check_retired(token: str, kind: str) -> None:
    if RetiredQrToken.objects.filter(token=token, kind=kind).exists():
        raise QrTokenReplaced
    raise Http404


def get_representative_by_token(token: str, *, with_stations: bool = False) -> Representative:
    """The active representative holding ``token``; QrTokenReplaced or 404 otherwise."""
    qs = Representative.objects.all()
    if with_stations:
        qs = qs.prefetch_related("memberships__station__town")
    rep = qs.filter(qr_token=token).first()
    if rep is None:
        _check_retired(token, RetiredQrToken.Kind.REPRESENTATIVE)
    if not rep.is_active:
        raise QrTokenReplaced
    return rep


def get_station_by_token(token: str) -> Station:
    """The active station holding ``token``; QrTokenReplaced or 404 otherwise."""
    station = Station.objects.select_related("town", "village").filter(qr_token=token).first()
    if station is None:
        _check_retired(token, RetiredQrToken.Kind.STATION)
    if not station.is_active:
        raise QrTokenReplaced
    return station
