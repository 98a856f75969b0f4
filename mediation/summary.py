"""Mediations counted per town and per station for a year (read only): opened that year,
closed that year, of them successful, and the success rate (成功率 = success / closed)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from mediation.access import mediations_for_user
from mediation.models import Mediation


@dataclass(frozen=True)
class Row:
    label: str
    opened: int
    closed: int
    success: int

    @property
    def rate(self) -> float | None:
        """Success among the closed; None when none closed (no rate, not 0 %)."""
        return success_rate(self.success, self.closed)

    @property
    def percent(self) -> str:
        """66.7%, or a dash when none closed."""
        rate = self.rate
        return "—" if rate is None else f"{rate:.1%}"


def success_rate(success: int, closed: int) -> float | None:
    return success / closed if closed else None


def _year_range(year: int):
    return (
        timezone.make_aware(datetime(year, 1, 1)),
        timezone.make_aware(datetime(year + 1, 1, 1)),
    )


def _counts(year: int) -> dict:
    start, end = _year_range(year)
    opened = Q(opened_at__gte=start, opened_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    return {
        "opened": Count("pk", filter=opened),
        "closed": Count("pk", filter=closed),
        "success": Count("pk", filter=closed & Q(outcome=Mediation.Outcome.SUCCESS)),
    }, opened | closed


def mediation_summary(*, user, year: int) -> dict:
    """The year's rows by town and by station, and the total, over the mediations ``user``
    may see: two queries whatever the number of mediations."""
    counts, in_year = _counts(year)
    qs = mediations_for_user(user).filter(in_year).order_by()
    by_town = [
        Row(r["town__name"] or "—", r["opened"], r["closed"], r["success"])
        for r in qs.values("town_id", "town__name", "town__order")
        .annotate(**counts)
        .order_by("town__order", "town__name")
    ]
    by_station = [
        Row(
            f"{r['station__town__name'] or ''} {r['station__name'] or '—'}".strip(),
            r["opened"],
            r["closed"],
            r["success"],
        )
        for r in qs.values("station_id", "station__name", "station__town__name")
        .annotate(**counts)
        .order_by("station__town__name", "station__name")
    ]
    total = Row(
        "",
        sum(r.opened for r in by_town),
        sum(r.closed for r in by_town),
        sum(r.success for r in by_town),
    )
    return {"by_town": by_town, "by_station": by_station, "total": total}
