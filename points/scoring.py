"""Pure scoring: no database. Rules and counts in, points, totals, grades and ranks out.

The county's table has one shape (MISSION.md): a rule gives ``first`` points for the first
item of a year and ``further`` for each further one, up to a yearly cap; deductions
(negative rules) have no cap. A category may also have a yearly cap. The grade is the
highest band whose minimum the total reaches. Ranks are competition ranks: equal totals
share a rank and the next rank skips (1, 2, 2, 4).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0")
# The first year with a table: the rules and grade bands ship with "applies from 2000"
# (migration 0002), so no year before it can be scored, reported or shown.
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Rule:
    id: int
    category: str
    first: Decimal
    further: Decimal
    cap: Decimal | None = None


def rule_points(rule: Rule, count: int) -> Decimal:
    """Points for ``count`` items of ``rule`` in a year, the rule's cap applied."""
    if count <= 0:
        return ZERO
    raw = Decimal(rule.first) + Decimal(rule.further) * (count - 1)
    if rule.cap is not None and raw > 0:
        return min(raw, Decimal(rule.cap))
    return raw


def item_points(rule: Rule, ordinal: int) -> Decimal:
    """What the ``ordinal``-th item (1-based, in date order) adds before the cap."""
    return Decimal(rule.first) if ordinal == 1 else Decimal(rule.further)


def category_totals(
    rules: Mapping[int, Rule],
    counts: Mapping[int, int],
    category_caps: Mapping[str, Decimal] | None = None,
) -> dict[str, Decimal]:
    """Points per category from ``counts`` (rule id → items in the year).

    A category cap limits what the category's positive rules add; deductions still count
    in full, so a cap can never hide an unexcused absence.
    """
    return Scorer(rules, category_caps).category_totals(counts)


class Scorer:
    """A year's rules and category caps, ready to score many representatives in a row (the
    year-end reports score a whole county): ``category_totals`` as above, with each rule's
    points for a given count worked out once rather than once per representative."""

    def __init__(
        self, rules: Mapping[int, Rule], category_caps: Mapping[str, Decimal] | None = None
    ):
        self.rules = rules
        self.caps = {category: Decimal(cap) for category, cap in (category_caps or {}).items()}
        self._points: dict[tuple[int, int], tuple[str, Decimal]] = {}
        self._tenths: dict[tuple[int, int], tuple[str, int]] = {}
        self._cap_tenths = {category: _to_tenths(cap) for category, cap in self.caps.items()}

    def _rule_points(self, rule_id: int, count: int) -> tuple[str, Decimal]:
        key = (rule_id, count)
        found = self._points.get(key)
        if found is None:
            rule = self.rules[rule_id]
            found = self._points[key] = (rule.category, rule_points(rule, count))
        return found

    def category_totals(self, counts: Mapping[int, int]) -> dict[str, Decimal]:
        positive: dict[str, Decimal] = {}
        negative: dict[str, Decimal] = {}
        for rule_id, count in counts.items():
            category, pts = self._rule_points(rule_id, count)
            bucket = positive if pts >= 0 else negative
            bucket[category] = bucket.get(category, ZERO) + pts
        if not negative and not self.caps:
            return positive
        totals = {}
        for category in positive.keys() | negative.keys():
            pos = positive.get(category, ZERO)
            cap = self.caps.get(category)
            if cap is not None and pos > cap:
                pos = cap
            totals[category] = pos + negative.get(category, ZERO)
        return totals

    def category_tenths(self, counts: Mapping[int, int]) -> dict[str, int]:
        """``category_totals`` in tenths of a point, as integers, for the year-end reports
        that score a whole county: the table's points and caps have one decimal (the
        models' ``decimal_places=1``), so the sums are exact, and adding integers costs a
        fraction of adding Decimals (bench/points_year_end.py)."""
        positive: dict[str, int] = {}
        negative: dict[str, int] = {}
        tenths = self._tenths
        for rule_id, count in counts.items():
            found = tenths.get((rule_id, count))
            if found is None:
                category, pts = self._rule_points(rule_id, count)
                found = tenths[(rule_id, count)] = (category, _to_tenths(pts))
            category, pts = found
            if pts >= 0:
                positive[category] = positive.get(category, 0) + pts
            else:
                negative[category] = negative.get(category, 0) + pts
        caps = self._cap_tenths
        if not negative and not caps:
            return positive
        totals = {}
        for category in positive.keys() | negative.keys():
            pos = positive.get(category, 0)
            cap = caps.get(category)
            if cap is not None and pos > cap:
                pos = cap
            totals[category] = pos + negative.get(category, 0)
        return totals


def _to_tenths(points: Decimal) -> int:
    tenths = Decimal(points) * 10
    if tenths != tenths.to_integral_value():
        raise ValueError(f"{points} has more than one decimal")
    return int(tenths)


def total(by_category: Mapping[str, Decimal]) -> Decimal:
    return sum(by_category.values(), ZERO)


def grade_for(total_points: Decimal, bands: Iterable[tuple[str, Decimal]]) -> str:
    """The name of the highest band (name, minimum) the total reaches; '' if none."""
    best_name, best_min = "", None
    for name, minimum in bands:
        if Decimal(total_points) >= Decimal(minimum) and (best_min is None or minimum > best_min):
            best_name, best_min = name, minimum
    return best_name


def competition_ranks(totals: Mapping[object, Decimal]) -> dict[object, int]:
    """Rank keys by total, highest first; equal totals share a rank (1, 2, 2, 4)."""
    ordered = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)
    ranks: dict[object, int] = {}
    previous, previous_rank = None, 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            previous_rank, previous = position, value
        ranks[key] = previous_rank
    return ranks
