"""A concern's two handles for the citizen: its tracking number (ZS-2026-000123), printed
and read out, and its secret tracking link, whose token is the citizen's only credential.
Only the token's SHA-256 is stored."""

import base64
import hashlib
import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from petitions.errors import WorkflowError
from petitions.models import TrackingCounter


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_for_submit_key(submit_key) -> str:
    """The tracking token of a citizen's form: derived from its one-time key with the
    server's secret, so a replayed form can be shown the same link again while only the
    token's hash is stored. 192 bits, URL-safe."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"petition-token:{submit_key}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def tracking_url(token: str) -> str:
    """The absolute secret link, as the result page, a printout and their QR codes carry it."""
    return settings.SITE_URL + reverse("petitions:track", args=[token])


def next_tracking_no(year: int) -> str:
    """The next tracking number of ``year``: one counter row per year, locked while it
    moves, so numbers are never handed out twice."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                TrackingCounter.objects.get_or_create(year=year)
                counter = TrackingCounter.objects.select_for_update().get(year=year)
                counter.last = F("last") + 1
                counter.save(update_fields=["last"])
                counter.refresh_from_db()
                return f"{settings.TRACKING_PREFIX}-{year}-{counter.last:06d}"
        except IntegrityError:  # two first petitions of a year at once
            continue
    raise WorkflowError(_("The service is busy. Please try again."))
