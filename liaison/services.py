"""Business rules of the liaison app: star ratings, QR token rotation, the record of who
saw a representative's full mobile number, and how long sign-in records are kept."""

from decimal import Decimal

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from liaison.awards import awards_locked, ensure_year_open
from liaison.models import (
    MobileView,
    RatingCriterion,
    RatingScore,
    Representative,
    RetiredQrToken,
    Station,
    StationRating,
    new_qr_token,
)


def stars_for_score(*, total: Decimal, max_total: Decimal, thresholds=None) -> int:
    """Stars (1–5) for a score: 5 at ≥90 % of the maximum, 4 at ≥80 %, 3 at ≥70 %,
    2 at ≥60 %, else 1 (``settings.STATION_STAR_THRESHOLDS``)."""
    thresholds = thresholds or settings.STATION_STAR_THRESHOLDS
    if not max_total or max_total <= 0:
        return 1
    percent = Decimal(total) * 100 / Decimal(max_total)
    for stars, threshold in zip((5, 4, 3, 2), thresholds, strict=True):
        if percent >= threshold:
            return stars
    return 1


@transaction.atomic
def station_rating_recompute(*, rating: StationRating) -> StationRating:
    """Recompute a rating's total, maximum and stars from its scores.

    The maximum counts every active criterion, scored or not, so that a rating with
    missing scores can never look better than it is. A rating of a year whose awards are
    locked is refused (AwardsLocked): the finance office paid from its stars.
    """
    rating = StationRating.objects.select_for_update().get(pk=rating.pk)
    # Asked once the row is ours: a lock that committed meanwhile is seen (awards_lock takes
    # the year's rating rows before it writes the list).
    ensure_year_open(rating.year)
    total = (
        RatingScore.objects.filter(rating=rating, criterion__is_active=True).aggregate(
            s=Sum("score")
        )["s"]
        or 0
    )
    max_total = (
        RatingCriterion.objects.filter(is_active=True).aggregate(s=Sum("max_score"))["s"] or 0
    )
    rating.total = Decimal(total)
    rating.max_total = Decimal(max_total)
    rating.stars = stars_for_score(total=rating.total, max_total=rating.max_total)
    rating.save(update_fields=["total", "max_total", "stars"])
    return rating


def station_ratings_recompute_year(*, year: int) -> int:
    """Recompute every station's rating of ``year`` (after staff change the criteria). A year
    whose awards are locked keeps its stars as they were: nothing is recomputed (0)."""
    if awards_locked(year):
        return 0
    count = 0
    for rating in StationRating.objects.filter(year=year).only("pk"):
        station_rating_recompute(rating=rating)
        count += 1
    return count


def latest_stars_subquery():
    """Annotate a Station queryset with the stars of its latest rating (one query)."""
    return Subquery(
        StationRating.objects.filter(station=OuterRef("pk")).order_by("-year").values("stars")[:1]
    )


def stations_with_stars():
    return (
        Station.objects.active()
        .select_related("town", "village")
        .annotate(stars=latest_stars_subquery())
    )


@transaction.atomic
def representative_rotate_qr_token(*, representative: Representative) -> Representative:
    """Give a representative a new QR token; the old URL then shows the "replaced" page."""
    rep = Representative.objects.select_for_update().get(pk=representative.pk)
    RetiredQrToken.objects.create(token=rep.qr_token, kind=RetiredQrToken.Kind.REPRESENTATIVE)
    rep.qr_token = new_qr_token()
    rep.save(update_fields=["qr_token"])
    return rep


@transaction.atomic
def station_rotate_qr_token(*, station: Station) -> Station:
    """Give a station a new QR token; the old URL then shows the "replaced" page."""
    st = Station.objects.select_for_update().get(pk=station.pk)
    RetiredQrToken.objects.create(token=st.qr_token, kind=RetiredQrToken.Kind.STATION)
    st.qr_token = new_qr_token()
    st.save(update_fields=["qr_token"])
    return st


def mobile_view_record(*, user, representative: Representative, where: str) -> MobileView:
    """Record that ``user`` was shown ``representative``'s full mobile number."""
    return MobileView.objects.create(user=user, representative=representative, where=where[:40])


def sign_in_records_prune(*, days: int | None = None) -> int:
    """Delete django-axes' records of sign-ins and failed sign-ins older than ``days``
    (LOG_RETENTION_DAYS by default): kept as long as the log files (网络安全法 Art. 21: six
    months), then gone, as a username and an address are personal data. Lock-outs in force
    are AccessAttempt rows, which axes expires itself, and are never touched here."""
    days = settings.LOG_RETENTION_DAYS if days is None else days
    before = timezone.now() - timezone.timedelta(days=days)
    logs, _ = AccessLog.objects.filter(attempt_time__lt=before).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=before).delete()
    return logs + failures
