"""Celery tasks of the liaison app: thin wrappers around services."""

from celery import shared_task

from liaison import services


@shared_task(bind=True, max_retries=3, default_retry_delay=30, acks_late=True)
def recompute_station_ratings(self, year: int) -> int:
    """Recompute all star ratings of a year, e.g. after staff changed the criteria."""
    return services.station_ratings_recompute_year(year=year)


@shared_task(acks_late=True)
def prune_sign_in_records() -> int:
    """Daily (beat, 03:50): sign-in records past the log retention period."""
    return services.sign_in_records_prune()
