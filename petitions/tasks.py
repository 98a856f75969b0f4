"""Celery tasks of the petitions app: thin wrappers around services; and the receiver that
enqueues notices' e-mails (connected when the app is ready, see ``apps.py``)."""

import logging

from celery import shared_task
from django.dispatch import receiver

from petitions import calendar, notifications, services
from petitions.signals import notice_emails_pending
from petitions.sms import outbox as sms_outbox

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def send_notification_email(self, notification_id: int) -> bool:
    try:
        return notifications.notification_send_email(notification_id=notification_id)
    except Exception as exc:  # noqa: BLE001 - the SMTP server may be down for a while
        raise self.retry(exc=exc) from exc


@receiver(notice_emails_pending, dispatch_uid="petitions_enqueue_notice_emails")
def enqueue_notice_emails(sender, ids, **kwargs) -> None:
    """Hand e-mails to Celery; if the broker is unreachable, leave them for the sweep."""
    for pk in ids:
        try:
            send_notification_email.delay(pk)
        except Exception:  # noqa: BLE001 - any broker error: the sweep retries later
            logger.warning("Broker unavailable; notification %s left for the retry sweep", pk)


@shared_task(acks_late=True)
def retry_pending_notifications() -> int:
    """Beat: e-mails left pending while the broker was down."""
    return notifications.notifications_retry_pending()


@shared_task(acks_late=True)
def mark_overdue_petitions() -> int:
    """Beat: yellow and red cards for deadlines near or passed."""
    return services.petitions_mark_warnings()


@shared_task(acks_late=True)
def anonymise_expired_petitions() -> int:
    """Beat: erase personal data of concerns closed longer ago than the retention period."""
    return services.petitions_anonymise_expired()


# --- SMS to citizens (petitions/sms/outbox.py) ----------------------------------------------


def sms_backoff(retries: int) -> int:
    """Seconds before the next try: 1, 2, 4, 8 minutes (a provider's outage, a throttle)."""
    return 60 * 2**retries


@shared_task(bind=True, max_retries=sms_outbox.MAX_SMS_ATTEMPTS - 1, acks_late=True)
def send_sms(self, sms_id: int) -> bool:
    try:
        return sms_outbox.sms_send(sms_id=sms_id)
    except Exception as exc:  # noqa: BLE001 - the provider may be down for a while
        raise self.retry(exc=exc, countdown=sms_backoff(self.request.retries)) from exc


@receiver(sms_outbox.sms_pending, dispatch_uid="petitions_enqueue_sms")
def enqueue_sms(sender, ids, **kwargs) -> None:
    """Hand SMS to Celery; if the broker is unreachable, leave them for the sweep. With
    tasks run in process (no REDIS_URL), a provider error that outlasts the retries ends
    here too, so the citizen's page never sees it."""
    for pk in ids:
        try:
            send_sms.delay(pk)
        except Exception:  # noqa: BLE001 - any broker or provider error: the sweep retries
            logger.warning("SMS %s not sent now; left for its retries or the sweep", pk)


@shared_task(acks_late=True)
def retry_pending_sms() -> int:
    """Beat: SMS left pending while the broker was down."""
    return sms_outbox.sms_retry_pending()


@shared_task(acks_late=True)
def remind_citizens_to_rate() -> int:
    """Beat: one SMS reminder to rate a result reported 3 days ago and not yet rated."""
    return sms_outbox.sms_remind_to_rate()


@shared_task(acks_late=True)
def remind_missing_calendar() -> bool:
    """Beat (hourly): from 1 November, while next year's holidays are not entered, the
    staff pages' banner, and one e-mail to county staff."""
    return calendar.calendar_missing_notify()
