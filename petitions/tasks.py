"""Celery tasks of the petitions app: thin wrappers around services."""

from celery import shared_task

from petitions import notifications, services


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def send_notification_email(self, notification_id: int) -> bool:
    try:
        return notifications.notification_send_email(notification_id=notification_id)
    except Exception as exc:  # noqa: BLE001 - the SMTP server may be down for a while
        raise self.retry(exc=exc) from exc


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
