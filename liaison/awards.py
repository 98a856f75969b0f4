"""Awards by stars (以奖代补, issue #14): the rules, written once. Every change to a year's
amounts, its lock, and any change to that year's star ratings asks here first."""

from django.utils.translation import gettext_lazy as _

from liaison.models import AwardYear
from liaison.models.append_only import AuditRowImmutable


class AwardsLocked(AuditRowImmutable):
    """The year's awards are locked: its amounts and its star ratings no longer change."""


def awards_locked(year: int) -> bool:
    """Whether staff have locked ``year``'s awards (one query)."""
    return AwardYear.objects.filter(year=year, locked_at__isnull=False).exists()


def ensure_year_open(year: int) -> None:
    """Raise AwardsLocked when ``year``'s awards are locked: nothing that feeds its award
    list (amounts, star ratings, their scores) may change any more."""
    if awards_locked(year):
        raise AwardsLocked(
            _("The awards of %(year)s are locked: its star ratings and amounts no longer change.")
            % {"year": year}
        )
