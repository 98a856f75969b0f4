"""The year's points table (the rules, caps and grade bands in force) and the totals read
from the approved entries: nothing here changes data."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from liaison.models import Representative
from points import scoring
from points.models import Category, CategoryCap, GradeBand, PointEntry, PointRule


def rules_for_year(year: int) -> dict[str, PointRule]:
    """code → the rule in force in ``year`` (the latest row not after it). One query."""
    return rule_table(year)[0]


def rule_table(year: int) -> tuple[dict[str, PointRule], dict[int, str]]:
    """The rules in force in ``year`` (as ``rules_for_year``) and the code of every row of
    the table, older and later ones too (rule id → code), from one query."""
    rules: dict[str, PointRule] = {}
    codes: dict[int, str] = {}
    for rule in PointRule.objects.order_by("code", "-applies_from"):
        codes[rule.pk] = rule.code
        if rule.applies_from <= year:
            rules.setdefault(rule.code, rule)
    return {code: rule for code, rule in rules.items() if rule.is_active}, codes


def scoring_rules(rules: dict[str, PointRule]) -> dict[int, scoring.Rule]:
    """The year's rules as scoring sees them, keyed by id. Entries of an older row of the same
    code count under the row in force, so a rule change applies to the whole year."""
    return {
        r.pk: scoring.Rule(r.pk, r.category, r.points_first, r.points_further, r.yearly_cap)
        for r in rules.values()
    }


def category_caps_for_year(year: int) -> dict[str, Decimal]:
    caps: dict[str, Decimal] = {}
    for cap in CategoryCap.objects.filter(applies_from__lte=year).order_by(
        "category", "-applies_from"
    ):
        caps.setdefault(cap.category, cap.cap)
    return caps


def grade_bands_for_year(year: int) -> list[tuple[str, Decimal]]:
    """(name, minimum total) of the bands of the latest table not after ``year``. One query."""
    bands, latest = [], None
    for applies_from, name, minimum in (
        GradeBand.objects.filter(applies_from__lte=year)
        .order_by("-applies_from", "-min_total")
        .values_list("applies_from", "name", "min_total")
    ):
        if latest is not None and applies_from != latest:
            break
        latest = applies_from
        bands.append((name, minimum))
    return bands


def rule_for(code: str, year: int) -> PointRule | None:
    return rules_for_year(year).get(code)


# --- totals -----------------------------------------------------------------------------------


def counts_by_representative(year: int, representative_ids=None) -> dict[int, dict[str, int]]:
    """representative id → {rule code → approved items in ``year``}. One aggregate query."""
    qs = PointEntry.objects.filter(year=year, status=PointEntry.Status.APPROVED)
    if representative_ids is not None:
        qs = qs.filter(representative_id__in=representative_ids)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = qs.values("representative_id", "rule__code").annotate(n=Sum("quantity")).order_by()
    for row in rows:
        counts[row["representative_id"]][row["rule__code"]] = row["n"]
    return counts


def score(counts_by_code: dict[str, int], rules: dict[str, PointRule], caps) -> dict[str, Decimal]:
    """Points per category for one representative's counts."""
    srules = scoring_rules(rules)
    by_id = {rules[code].pk: n for code, n in counts_by_code.items() if code in rules}
    return scoring.category_totals(srules, by_id, caps)


def year_summary(*, representative, year: int) -> dict:
    """What "My points" shows: per category (caps applied), per rule progress, total,
    grade and rank among representatives of the same level."""
    rules = rules_for_year(year)
    caps = category_caps_for_year(year)
    all_counts = counts_by_representative(year)
    same_level = set(
        Representative.objects.filter(level=representative.level, is_active=True).values_list(
            "pk", flat=True
        )
    )
    totals = {
        rep_id: scoring.total(score(c, rules, caps))
        for rep_id, c in all_counts.items()
        if rep_id in same_level
    }
    for rep_id in same_level:
        totals.setdefault(rep_id, Decimal("0"))
    ranks = scoring.competition_ranks(totals)
    mine = all_counts.get(representative.pk, {})
    by_category = score(mine, rules, caps)
    srules = scoring_rules(rules)
    progress = []
    for code, rule in rules.items():
        earned = scoring.rule_points(srules[rule.pk], mine.get(code, 0))
        progress.append(
            {"rule": rule, "count": mine.get(code, 0), "points": earned, "cap": rule.yearly_cap}
        )
    total_points = scoring.total(by_category)
    return {
        "year": year,
        "by_category": [
            (value, label, by_category.get(value, Decimal("0")))
            for value, label in Category.choices
        ],
        "progress": progress,
        "total": total_points,
        "grade": scoring.grade_for(total_points, grade_bands_for_year(year)),
        "rank": ranks.get(representative.pk),
        "rank_of": len(same_level),
    }
