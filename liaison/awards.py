"""Awards by stars (以奖代补, issue #14): the rules, written once. Every change to a year's
amounts, its lock, and any change to that year's star ratings asks here first.

A year's award list is each rated station's stars times the amount staff set for that star
level. Until the year is locked it is read live from the ratings; locking writes it out once
(``AwardLine``) and from then on the list, the page and the spreadsheet read that snapshot.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from liaison.models import AwardEvent, AwardLevel, AwardLine, AwardYear, StationRating
from liaison.models.awards import AwardsLocked, refuse_if_locked
from liaison.people import display_name
from liaison.roles import roles_for

__all__ = [
    "AwardsLocked",
    "awards_locked",
    "ensure_year_open",
    "may_manage_awards",
    "award_levels_set",
    "award_list",
    "awards_lock",
    "award_years",
    "award_events",
    "spreadsheet_rows",
]

STAR_LEVELS = (5, 4, 3, 2, 1)
# The largest amount AwardLevel.amount holds (max_digits=10, decimal_places=2).
MAX_AMOUNT = Decimal("99999999.99")
CENT = Decimal("0.01")


def awards_locked(year: int) -> bool:
    """Whether staff have locked ``year``'s awards (one query)."""
    return AwardYear.objects.filter(year=year, locked_at__isnull=False).exists()


def ensure_year_open(year: int) -> None:
    """Raise AwardsLocked when ``year``'s awards are locked: nothing that feeds its award
    list (amounts, star ratings, their scores) may change any more."""
    refuse_if_locked(year)


def may_manage_awards(user) -> bool:
    """County congress staff who sign in to the administration; anyone else gets 404, like
    the county's other pages in the administration (the rhythm)."""
    return bool(
        user is not None and user.is_authenticated and user.is_staff and roles_for(user).county
    )


# --- amounts ------------------------------------------------------------------------------


def _clean_amount(stars: int, value) -> Decimal | None:
    """``value`` as an amount in yuan (two decimals, 0 to MAX_AMOUNT), or None when unset."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError(_("%(stars)s stars: enter an amount in yuan.") % {"stars": stars})
    if amount < 0 or amount > MAX_AMOUNT:
        raise ValidationError(
            _("%(stars)s stars: the amount must be between 0 and %(max)s yuan.")
            % {"stars": stars, "max": MAX_AMOUNT}
        )
    if amount != amount.quantize(CENT):
        raise ValidationError(
            _("%(stars)s stars: at most two decimal places (fen).") % {"stars": stars}
        )
    return amount.quantize(CENT)


def _amounts_state(levels) -> dict[str, str]:
    return {str(level.stars): str(level.amount) for level in levels}


@transaction.atomic
def award_levels_set(*, year: int, amounts: dict, actor) -> int:
    """Set the year's amount per star level ({stars: Decimal or None}; None or a level left
    out removes it) and append one AwardEvent when anything changed; refuses a locked year.
    Returns the number of levels changed."""
    if set(amounts) - set(STAR_LEVELS):
        raise ValidationError(_("Stars go from 1 to 5."))
    wanted = {stars: _clean_amount(stars, amounts.get(stars)) for stars in STAR_LEVELS}
    award_year, _created = AwardYear.objects.get_or_create(year=year)
    award_year = AwardYear.objects.select_for_update().get(pk=award_year.pk)
    if award_year.is_locked:
        refuse_if_locked(year)
    stored = {level.stars: level for level in AwardLevel.objects.filter(award_year=award_year)}
    before = _amounts_state(stored.values())
    changed = 0
    for stars, amount in wanted.items():
        level = stored.get(stars)
        if amount is None:
            if level is not None:
                level.delete()
                changed += 1
        elif level is None:
            AwardLevel.objects.create(award_year=award_year, stars=stars, amount=amount)
            changed += 1
        elif level.amount != amount:
            level.amount = amount
            level.save(update_fields=["amount"])
            changed += 1
    if changed:
        after = {str(s): str(a) for s, a in wanted.items() if a is not None}
        AwardEvent.objects.create(
            award_year=award_year,
            kind=AwardEvent.Kind.AMOUNTS_SET,
            before=before,
            after=after,
            actor=actor,
        )
    return changed


# --- the list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardRow:
    station_id: int
    station: str
    town: str
    stars: int
    amount: Decimal
    amount_set: bool = True


@dataclass
class TownGroup:
    town: str
    rows: list[AwardRow] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0.00"))


@dataclass
class AwardList:
    year: int
    award_year: AwardYear | None
    amounts: dict[int, Decimal]  # the star levels with an amount
    rows: list[AwardRow]

    @property
    def locked(self) -> bool:
        return self.award_year is not None and self.award_year.is_locked

    @property
    def locked_by(self) -> str:
        if not self.locked or self.award_year.locked_by is None:
            return ""
        return display_name(self.award_year.locked_by)

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0.00"))

    @property
    def missing_levels(self) -> list[int]:
        """Star levels some rated station has but no amount is set for (they count 0)."""
        return sorted({row.stars for row in self.rows if not row.amount_set}, reverse=True)

    @property
    def towns(self) -> list[TownGroup]:
        groups: dict[str, TownGroup] = {}
        for row in self.rows:
            groups.setdefault(row.town, TownGroup(town=row.town)).rows.append(row)
        return list(groups.values())

    @property
    def lock_refusal(self) -> str:
        """Why the year cannot be locked now, or "" when it can."""
        if not self.rows:
            return _("No station is rated for %(year)s: there is nothing to award.") % {
                "year": self.year
            }
        if self.missing_levels:
            return _(
                "No amount is set for %(levels)s stars: set every rated star level's amount "
                "before locking."
            ) % {"levels": "、".join(str(s) for s in self.missing_levels)}
        return ""


def _sort_key(row: AwardRow):
    return (row.town, -row.stars, row.station, row.station_id)


def _rows_from_ratings(year: int, amounts: dict[int, Decimal]) -> list[AwardRow]:
    """Every station rated in ``year`` with its award (one query)."""
    ratings = (
        StationRating.objects.filter(year=year)
        .select_related("station__town")
        .only("stars", "station__name", "station__town__name")
    )
    rows = [
        AwardRow(
            station_id=rating.station_id,
            station=rating.station.name,
            town=rating.station.town.name,
            stars=rating.stars,
            amount=amounts.get(rating.stars, Decimal("0.00")),
            amount_set=rating.stars in amounts,
        )
        for rating in ratings
    ]
    return sorted(rows, key=_sort_key)


def _rows_from_snapshot(award_year: AwardYear) -> list[AwardRow]:
    lines = AwardLine.objects.filter(award_year=award_year)
    rows = [
        AwardRow(
            station_id=line.station_id,
            station=line.station_name,
            town=line.town_name,
            stars=line.stars,
            amount=line.amount,
        )
        for line in lines
    ]
    return sorted(rows, key=_sort_key)


def award_list(year: int) -> AwardList:
    """The year's award list (three queries whatever the number of stations): live from the
    ratings while the year is open, from the snapshot once it is locked."""
    award_year = AwardYear.objects.select_related("locked_by").filter(year=year).first()
    amounts = {}
    if award_year is not None:
        amounts = {
            level.stars: level.amount for level in AwardLevel.objects.filter(award_year=award_year)
        }
    if award_year is not None and award_year.is_locked:
        rows = _rows_from_snapshot(award_year)
    else:
        rows = _rows_from_ratings(year, amounts)
    return AwardList(year=year, award_year=award_year, amounts=amounts, rows=rows)


# --- the lock -----------------------------------------------------------------------------


@transaction.atomic
def awards_lock(*, year: int, actor) -> bool:
    """Lock ``year``'s awards: write the award list out once (AwardLine), note who and when,
    append an AwardEvent, all in one transaction. Returns False when the year was already
    locked (nothing changes); refuses, with the reason, a year without ratings or with a
    rated star level that has no amount."""
    award_year, _created = AwardYear.objects.get_or_create(year=year)
    # The year's row serialises two locks and a lock against a change of amounts; the
    # ratings' rows hold back a rating saved while the list is written (the ratings'
    # recompute checks the lock after taking its rating's row).
    award_year = AwardYear.objects.select_for_update().get(pk=award_year.pk)
    if award_year.is_locked:
        return False
    list(StationRating.objects.select_for_update().filter(year=year).values_list("pk", flat=True))
    current = award_list(year)
    refusal = current.lock_refusal
    if refusal:
        raise ValidationError(refusal)
    AwardLine.objects.bulk_create(
        AwardLine(
            award_year=award_year,
            station_id=row.station_id,
            station_name=row.station,
            town_name=row.town,
            stars=row.stars,
            amount=row.amount,
        )
        for row in current.rows
    )
    award_year.locked_at = timezone.now()
    award_year.locked_by = actor
    award_year.save(update_fields=["locked_at", "locked_by"])
    AwardEvent.objects.create(
        award_year=award_year,
        kind=AwardEvent.Kind.LOCKED,
        before=_amounts_state(AwardLevel.objects.filter(award_year=award_year)),
        after={"stations": len(current.rows), "total": str(current.total)},
        actor=actor,
    )
    return True


def award_events(year: int) -> list[AwardEvent]:
    """The year's audit trail, newest first (one query)."""
    return list(
        AwardEvent.objects.filter(award_year__year=year)
        .select_related("actor")
        .order_by("-at", "-pk")
    )


# --- the years ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardYearSummary:
    year: int
    stations: int
    total: Decimal
    locked: bool
    missing_levels: tuple[int, ...] = ()


def award_years() -> list[AwardYearSummary]:
    """Every year with ratings or awards, newest first: stations, total, open or locked (four
    queries whatever the number of years and stations)."""
    years = {ay.year: ay for ay in AwardYear.objects.all()}
    amounts: dict[int, dict[int, Decimal]] = {}
    for level in AwardLevel.objects.select_related("award_year"):
        amounts.setdefault(level.award_year.year, {})[level.stars] = level.amount
    counts: dict[int, dict[int, int]] = {}
    for row in StationRating.objects.values("year", "stars").annotate(n=Count("pk")).order_by():
        counts.setdefault(row["year"], {})[row["stars"]] = row["n"]
    locked_totals = {
        row["award_year__year"]: (row["n"], row["total"])
        for row in AwardLine.objects.values("award_year__year")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by()
    }
    summaries = []
    for year in sorted(set(years) | set(counts), reverse=True):
        award_year = years.get(year)
        if award_year is not None and award_year.is_locked:
            n, total = locked_totals.get(year, (0, Decimal("0.00")))
            summaries.append(AwardYearSummary(year, n, total or Decimal("0.00"), True))
            continue
        by_stars = counts.get(year, {})
        levels = amounts.get(year, {})
        total = sum((levels.get(s, Decimal("0.00")) * n for s, n in by_stars.items()), Decimal())
        missing = tuple(sorted((s for s in by_stars if s not in levels), reverse=True))
        summaries.append(
            AwardYearSummary(year, sum(by_stars.values()), total.quantize(CENT), False, missing)
        )
    return summaries


# --- the spreadsheet ----------------------------------------------------------------------

# A spreadsheet reads a cell starting with one of these as a formula. The same rule as
# petitions.statistics.neutralise, written again here: liaison is the ground floor and may not
# import petitions, and moving that function down would touch a part that is not ours.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that could start a formula gets a leading apostrophe; numbers pass unchanged."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_rows(awards: AwardList) -> list[list]:
    """Header, one row per station (station, town, stars, amount) and the total row, whose
    amount is the numeric sum of the rows above."""
    rows = [[_("Station"), _("Town"), _("Stars"), _("Amount (yuan)")]]
    rows.extend([row.station, row.town, row.stars, row.amount] for row in awards.rows)
    rows.append([pgettext("award", "Total"), "", None, awards.total])
    return [[neutralise(str(c)) if isinstance(c, str) else c for c in row] for row in rows]
