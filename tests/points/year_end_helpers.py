"""Seeding a year of approved items, and the year-end figures recomputed the plain way.

The recomputation does not call ``points.scoring`` or ``points.services``: it reads the
default table (MISSION.md), typed in again below, so a mistake in the code under test cannot
hide behind the same mistake in the check.
"""

import importlib
import random
from datetime import date
from decimal import Decimal

from liaison.models import Representative
from points.models import PointEntry, PointRule
from tests.base import make_representative

# code: (category, first, each further, yearly cap or None)
DEFAULT_TABLE = {
    "session": ("meetings", 15, 0, 15),
    "meeting": ("meetings", 2, 2, 10),
    "absence": ("meetings", -5, -5, None),
    "training": ("training", 3, 2, 8),
    "inspection": ("inspection", 6, 2, 12),
    "proposal": ("proposals", 6, 2, 12),
    "cosign": ("proposals", 1, 1, 3),
    "duty": ("voters", 4, 2, 12),
    "concern": ("voters", 1, 1, 8),
    "deed": ("deeds", 5, 1, 10),
    "report": ("reporting", 5, 0, 5),
}
CATEGORIES = ["meetings", "training", "inspection", "proposals", "voters", "deeds", "reporting"]
# 优秀 ≥ 85, 合格 60–84, 基本合格 45–59, 不合格 < 45
BANDS = [(85, "优秀"), (60, "合格"), (45, "基本合格")]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
GIVEN = "春和建国秀英德明丽华志强海燕文静晓东玉兰红梅永军桂芳立新小平"


def chinese_name(i: int) -> str:
    """A distinct Chinese name per ``i`` below 40 × 30 × 30: a surname, two given characters."""
    rest, surname = divmod(i, len(SURNAMES))
    second, first = divmod(rest, len(GIVEN))
    return SURNAMES[surname] + GIVEN[first] + GIVEN[second % len(GIVEN)]


def make_representatives(count: int, *, start: int = 0) -> list[Representative]:
    levels = [Representative.Level.COUNTY] * 3 + [Representative.Level.TOWNSHIP]
    return [
        make_representative(name=chinese_name(start + i), level=levels[i % len(levels)])
        for i in range(count)
    ]


def add_items(year: int, items: dict[int, dict[str, int]]) -> None:
    """Approved entries: for each representative id, ``n`` items of each rule code, spread
    over entries of quantity 1 or 2 (quantities count as items)."""
    rules = {r.code: r for r in PointRule.objects.filter(applies_from__lte=year)}
    rows = []
    for rep_id, per_code in items.items():
        for code, n in per_code.items():
            left, day = n, 1
            while left > 0:
                quantity = 2 if left >= 2 and day % 3 == 0 else 1
                rows.append(
                    PointEntry(
                        representative_id=rep_id,
                        rule=rules[code],
                        date=date(year, 1 + day % 12, 1 + day % 28),
                        year=year,
                        quantity=quantity,
                        status=PointEntry.Status.APPROVED,
                    )
                )
                left -= quantity
                day += 1
    PointEntry.objects.bulk_create(rows)


def random_items(rep_ids, *, seed: int = 4) -> dict[int, dict[str, int]]:
    rng = random.Random(seed)
    items = {}
    for rep_id in rep_ids:
        codes = rng.sample(sorted(DEFAULT_TABLE), rng.randint(0, len(DEFAULT_TABLE)))
        items[rep_id] = {code: rng.randint(1, 7) for code in codes}
    return items


def noise(rep_ids, year: int) -> None:
    """Entries that must not count: pending, rejected, and of the years around."""
    rule = PointRule.objects.get(code="deed", applies_from=2000)
    rows = []
    for rep_id in rep_ids:
        for status, on in [
            (PointEntry.Status.PENDING, date(year, 6, 1)),
            (PointEntry.Status.REJECTED, date(year, 6, 2)),
            (PointEntry.Status.APPROVED, date(year - 1, 12, 31)),
            (PointEntry.Status.APPROVED, date(year + 1, 1, 1)),
        ]:
            rows.append(
                PointEntry(
                    representative_id=rep_id,
                    rule=rule,
                    date=on,
                    year=on.year,
                    quantity=3,
                    status=status,
                )
            )
    PointEntry.objects.bulk_create(rows)


def expected_by_category(per_code: dict[str, int]) -> dict[str, Decimal]:
    totals = dict.fromkeys(CATEGORIES, Decimal("0"))
    for code, n in per_code.items():
        category, first, further, cap = DEFAULT_TABLE[code]
        if n <= 0:
            continue
        points = first + further * (n - 1)
        if cap is not None and points > cap:
            points = cap
        totals[category] += Decimal(points)
    return totals


def expected_total(per_code: dict[str, int]) -> Decimal:
    return sum(expected_by_category(per_code).values(), Decimal("0"))


def expected_grade(total: Decimal) -> str:
    for minimum, name in BANDS:
        if total >= minimum:
            return name
    return "不合格"


def expected_rank(total: Decimal, all_totals) -> int:
    """Competition rank: one more than the number of strictly higher totals."""
    return 1 + sum(1 for other in all_totals if other > total)


def ensure_default_table() -> None:
    """The shipped rules and grade bands. Transactional tests flush the database after them,
    data migrations included, so tests on a real worker ask for them here."""
    from django.apps import apps

    for name in ("0002_default_rules", "0009_outreach_visit_rule", "0012_station_work_rules"):
        importlib.import_module(f"points.migrations.{name}").forwards(apps, None)
