"""Who is asking, by address, and how often: the client's address behind the configured
proxies, and per-address (or per-page) rate limits on top of django-ratelimit.

The bottom floor: it imports no app of the project, so every app (and django-axes, through
AXES_CLIENT_IP_CALLABLE) reads the client's address here and nowhere else.
"""

import functools
import ipaddress
import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


def _valid_ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_ip(request) -> str:
    """The client's address. With TRUSTED_PROXY_COUNT = N > 0, the N-th address from the
    right of X-Forwarded-For: each trusted proxy appends the address it saw (nginx's
    $remote_addr), so the N-th from the right is the one the outermost trusted proxy saw.
    Anything left of it was written by the client and may be forged; the last hop alone,
    behind a WAF and nginx, is the WAF's address for everyone.

    A header shorter than N (a request that skipped a proxy) gives its left-most address,
    the one a trusted proxy appended; no header, or a value that is not an address, gives
    REMOTE_ADDR (the nearest proxy: restrictive, never a forged client)."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    depth = settings.TRUSTED_PROXY_COUNT
    if depth <= 0:
        return remote
    forwarded = [
        hop.strip()
        for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if hop.strip()
    ]
    if not forwarded:
        return remote
    chosen = forwarded[-depth] if len(forwarded) >= depth else forwarded[0]
    return _valid_ip(chosen) or remote


def client_network(request) -> str:
    """The key one client's limits count under: its IPv4 address, or its IPv6 /64 (a
    phone on a Chinese mobile network gets a whole /64 and may use any address in it)."""
    ip = client_ip(request)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


# --- rate limits -------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """One counter: ``rate`` (django-ratelimit's "5/5m": five per fixed five-minute window)
    of what is counted under ``group`` for the value ``key`` (an address, a page)."""

    group: str
    rate: str
    key: str


def _usage(request, limit: Limit, *, increment: bool):
    try:
        return get_usage(
            request,
            group=limit.group,
            key=lambda _group, _request: limit.key,
            rate=limit.rate,
            increment=increment,
        )
    except Exception:  # noqa: BLE001 - a cache outage must not silence citizens
        logger.warning("Cache unavailable: rate limit %s not applied", limit.group)
        return None


def seconds_to_wait(request, limits) -> int | None:
    """None when one more request fits under every limit; otherwise the seconds until the
    fullest window ends. Counts nothing (``count_request`` does, once the request is done)."""
    waits = []
    for limit in limits:
        usage = _usage(request, limit, increment=False)
        if usage and usage["count"] >= usage["limit"]:
            waits.append(max(usage["time_left"], 1))
    return max(waits) if waits else None


def count_request(request, limits) -> None:
    """Count one request against every limit."""
    for limit in limits:
        _usage(request, limit, increment=True)


def minutes(seconds: int) -> int:
    """Whole minutes to say to a person, never 0."""
    return max(1, math.ceil(seconds / 60))


def limit_per_address(*, group: str, rate_setting: str):
    """A view decorator: every request counts against ``settings.<rate_setting>`` per
    client address; over it, a plain 429 (for images and files, where no page is read)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            limit = Limit(group, getattr(settings, rate_setting), client_network(request))
            usage = _usage(request, limit, increment=True)
            if usage and usage["should_limit"]:
                response = HttpResponse(
                    _("Too many requests. Please wait %(minutes)d minutes and try again.")
                    % {"minutes": minutes(max(usage["time_left"], 1))},
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(max(usage["time_left"], 1))
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
