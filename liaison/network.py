"""Who is asking, by address, and how often: the client's address behind the configured
proxies, and per-address (or per-page) rate limits on top of django-ratelimit.

The bottom floor: it imports no app of the project, so every app (and django-axes, through
AXES_CLIENT_IP_CALLABLE) reads the client's address here and nowhere else.
"""

import functools
import ipaddress
import logging
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
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


RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """django-ratelimit's syntax, "5/5m" = (5, 300): a count per period."""
    match = RATE.match(rate.strip())
    if not match:
        raise ValueError(f"Not a rate like 5/5m: {rate!r}")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * PERIODS[unit]


@dataclass(frozen=True)
class Limit:
    """One counter of django-ratelimit: at most ``rate`` ("1/m") of what is counted under
    ``group`` for the value ``key`` (an address, a page), per fixed window. The windows are
    fixed: the count starts again at each window's edge (shifted per key by a jitter)."""

    group: str
    rate: str
    key: str

    def usage(self, request, *, increment: bool):
        try:
            return get_usage(
                request,
                group=self.group,
                key=lambda _group, _request: self.key,
                rate=self.rate,
                increment=increment,
            )
        except Exception:  # noqa: BLE001 - a cache outage must not silence citizens
            logger.warning("Cache unavailable: rate limit %s not applied", self.group)
            return None

    def wait(self, request) -> int | None:
        usage = self.usage(request, increment=False)
        if usage and usage["count"] >= usage["limit"]:
            return max(usage["time_left"], 1)
        return None

    def count(self, request) -> None:
        self.usage(request, increment=True)


@dataclass(frozen=True)
class SlidingLimit:
    """At most ``rate`` ("5/5m") within ANY period of that length, not per fixed window:
    the times of the last requests are kept in the cache. django-ratelimit's windows are
    fixed, and one key's 5-minute window is exactly five of its 1-minute windows (the
    jitter is the same hash modulo the period), so beside "1/m" its "5/5m" could never
    refuse anything, and six requests a few seconds across a window's edge would all pass.
    Read and write are not atomic: two requests at the same instant may both pass."""

    group: str
    rate: str
    key: str

    @property
    def cache_key(self) -> str:
        return f"rl-sliding:{self.group}:{self.key}"

    def _recent(self, now: float) -> list[float]:
        _count, period = parse_rate(self.rate)
        return [t for t in (cache.get(self.cache_key) or []) if now - t < period]

    def wait(self, request) -> int | None:
        if not settings.RATELIMIT_ENABLE:
            return None
        count, period = parse_rate(self.rate)
        now = time.time()
        try:
            recent = self._recent(now)
        except Exception:  # noqa: BLE001 - a cache outage must not silence citizens
            logger.warning("Cache unavailable: rate limit %s not applied", self.group)
            return None
        if len(recent) < count:
            return None
        # Free again when the oldest of the last ``count`` leaves the period.
        return max(1, math.ceil(sorted(recent)[-count] + period - now))

    def count(self, request) -> None:
        if not settings.RATELIMIT_ENABLE:
            return
        count, period = parse_rate(self.rate)
        now = time.time()
        try:
            recent = sorted(self._recent(now))[-(count - 1) :] if count > 1 else []
            cache.set(self.cache_key, [*recent, now], period)
        except Exception:  # noqa: BLE001
            logger.warning("Cache unavailable: rate limit %s not counted", self.group)


def seconds_to_wait(request, limits) -> int | None:
    """None when one more request fits under every limit; otherwise the seconds until it
    fits under all. Counts nothing (``count_request`` does, once the request is done)."""
    waits = [wait for limit in limits if (wait := limit.wait(request)) is not None]
    return max(waits) if waits else None


def count_request(request, limits) -> None:
    """Count one request against every limit."""
    for limit in limits:
        limit.count(request)


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
            usage = limit.usage(request, increment=True)
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
