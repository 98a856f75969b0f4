"""The SMS outbox: what a citizen who left a mobile and consented is told, and when.

Three messages per concern at most, one of each kind (a database constraint): on receipt
(its tracking number and link), when the result is reported (the link to rate it), and one
reminder to rate it ``SMS_REMINDER_DAYS`` after the report if it is still not rated. They
carry the tracking number and a link only: never the concern's text, its result or anyone's
name, since a phone is often read by others.

Like the e-mail of notices (``petitions/notifications.py``): ``sms_queue`` writes the row in
the caller's transaction and, on commit, sends ``sms_pending``; ``petitions/tasks.py`` hands
it to Celery (this module cannot import the tasks that import it). If the broker is down the
row stays pending and the sweep (a beat job) enqueues it later; if the provider fails, the
task retries with backoff, then gives up after ``MAX_SMS_ATTEMPTS`` (status "failed"). The
citizen's own request never waits for, or sees, any of this.

The phone number is never logged: every message about a row names its id and the masked
number (138****1234).
"""

import hashlib
import hmac
import logging
import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.dispatch import Signal
from django.utils import timezone

from liaison.privacy import mask_phone
from petitions.models import Petition, Sms, Step
from petitions.sms.backends import get_backend
from petitions.tracking import token_for_submit_key

logger = logging.getLogger(__name__)

MAX_SMS_ATTEMPTS = 5

# Sent with ``ids``, the outbox rows to hand to Celery now: on commit of the change that
# made them, and by the sweep. ``petitions/tasks.py`` listens.
sms_pending = Signal()

# A mainland mobile number: the only kind an SMS can reach (a landline is kept for a call).
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")

TEMPLATE_SETTINGS = {
    Sms.Kind.RECEIVED: "SMS_TEMPLATE_RECEIVED",
    Sms.Kind.REPORTED: "SMS_TEMPLATE_REPORTED",
    Sms.Kind.REMINDER: "SMS_TEMPLATE_REMINDER",
}


def citizen_mobile(petition: Petition) -> str | None:
    """The number to text, or None: a mobile number, and the citizen's consent to be
    contacted (个人信息保护法 Art. 13–14: the notice on the form asks for it)."""
    phone = (petition.citizen_phone or "").replace(" ", "").replace("-", "")
    if petition.consent_at is None or not MOBILE_RE.match(phone):
        return None
    return phone


def phone_digest(phone: str) -> str:
    """A keyed hash of the number, for the daily cap: the outbox never holds the number."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"sms-phone:{phone}".encode(), hashlib.sha256
    ).hexdigest()


def sms_queue(*, petition: Petition, kind: str) -> Sms | None:
    """Write the outbox row of ``kind`` for ``petition`` in the caller's transaction, and
    have it sent once that commits. None when the citizen left no mobile or no consent, or
    when this kind was sent before (a concern reported again after a reopening: the citizen
    already has the link, which shows the new result)."""
    phone = citizen_mobile(petition)
    if phone is None:
        return None
    try:
        # A savepoint, so that the unique constraint's refusal leaves the caller's
        # transaction (the change being reported) intact.
        with transaction.atomic():
            sms = Sms.objects.create(petition=petition, kind=kind, phone_digest=phone_digest(phone))
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _pending([sms.pk]))
    return sms


def _pending(ids) -> None:
    if ids:
        sms_pending.send(sender=Sms, ids=ids)


def sms_link(petition: Petition) -> str:
    """The ``${link}`` parameter: the path after the site's address, which the registered
    template writes out (Alibaba takes a link only with its domain fixed in the template,
    and a variable of at most 35 characters).

    It is the tracking page, ``t/<token>`` (34 characters; Django's trailing-slash redirect
    completes it): it shows the progress, and the result with its rating form once reported.
    The token is the citizen's only credential and only its hash is stored; every form
    (citizen's, representative's) derives it from the form's one-time key, which the concern
    keeps, so it is recovered here (``tracking.token_for_submit_key``) at receipt and at any
    time after. A concern received without a form key has a random token that exists only
    in ``petition_receive``'s return value, and no page finds a concern by its number alone
    (a number is guessable, the token is not): that citizen gets the portal's address with
    the number, to read to the liaison office, which looks it up.
    """
    if petition.submit_key is None:
        return f"?no={petition.tracking_no}"
    return "t/" + token_for_submit_key(petition.submit_key)


def _today_start():
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def _masked_error(exc: Exception, phone: str) -> str:
    """The provider's message, with the number masked should it quote it."""
    return str(exc).replace(phone, mask_phone(phone))[:200]


def sms_send(*, sms_id: int) -> bool:
    """Send one pending row. Idempotent: the row is claimed first (pending → sent, under a
    row lock), so two workers, or a retry and the sweep, never send it twice; a failed send
    puts it back to pending (or "failed" after ``MAX_SMS_ATTEMPTS``) and raises, for the
    task's retry. Returns True when a message went out.

    At most once, like the e-mail of notices: a worker that dies between the claim and the
    provider's answer leaves the row "sent". A second SMS of the same news would cost the
    citizen's trust more than a missing one, which the tracking page makes up for."""
    now = timezone.now()
    with transaction.atomic():
        sms = (
            Sms.objects.select_for_update(of=("self",))
            .select_related("petition")
            .filter(pk=sms_id, status=Sms.Status.PENDING)
            .first()
        )
        if sms is None:
            return False
        phone = citizen_mobile(sms.petition)
        if phone is None:
            # Erased by the retention job, or consent withdrawn, since it was queued.
            Sms.objects.filter(pk=sms.pk).update(status=Sms.Status.DROPPED)
            return False
        digest = phone_digest(phone)
        # Concurrent sends to one number may overshoot the cap by one; the cap is a courtesy
        # to the citizen and a guard against a loop, not a bill.
        sent_today = Sms.objects.filter(
            phone_digest=digest, status=Sms.Status.SENT, sent_at__gte=_today_start()
        ).count()
        if sent_today >= settings.SMS_DAILY_CAP_PER_NUMBER:
            Sms.objects.filter(pk=sms.pk).update(status=Sms.Status.CAPPED, phone_digest=digest)
            logger.info("SMS %s to %s not sent: daily cap reached", sms.pk, mask_phone(phone))
            return False
        Sms.objects.filter(pk=sms.pk).update(
            status=Sms.Status.SENT,
            attempts=F("attempts") + 1,
            sent_at=now,
            phone_digest=digest,
        )
    params = {"no": sms.petition.tracking_no, "link": sms_link(sms.petition)}
    try:
        provider_id = get_backend().send(
            phone=phone, template_setting=TEMPLATE_SETTINGS[sms.kind], params=params
        )
    except Exception as exc:
        attempts = sms.attempts + 1
        status = Sms.Status.FAILED if attempts >= MAX_SMS_ATTEMPTS else Sms.Status.PENDING
        Sms.objects.filter(pk=sms.pk).update(
            status=status, sent_at=None, error=_masked_error(exc, phone)
        )
        logger.warning(
            "SMS %s to %s failed (attempt %s): %s",
            sms.pk,
            mask_phone(phone),
            attempts,
            _masked_error(exc, phone),
        )
        raise
    Sms.objects.filter(pk=sms.pk).update(provider_id=str(provider_id)[:64], error="")
    return True


def sms_retry_pending(*, older_than_seconds: int = 300, limit: int = 500) -> int:
    """The sweep: enqueue rows still pending (the broker was down, or a retry was lost
    with its worker). Younger rows are left to the task that is on them."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Sms.objects.filter(status=Sms.Status.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    _pending(ids)
    return len(ids)


def sms_remind_to_rate(*, now=None) -> int:
    """The beat job: one reminder to rate a result reported ``SMS_REMINDER_DAYS`` ago and
    still not rated (a rating moves the concern on from "reported"). Returns how many."""
    now = now or timezone.now()
    due = (
        Petition.objects.filter(
            step=Step.REPORTED,
            reported_at__lte=now - timedelta(days=settings.SMS_REMINDER_DAYS),
            consent_at__isnull=False,
        )
        .exclude(citizen_phone="")
        .exclude(Exists(Sms.objects.filter(petition=OuterRef("pk"), kind=Sms.Kind.REMINDER)))
        .order_by("reported_at")
    )
    count = 0
    for petition in due.iterator():
        with transaction.atomic():
            count += sms_queue(petition=petition, kind=Sms.Kind.REMINDER) is not None
    return count
