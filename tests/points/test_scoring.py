"""Scoring without a database: first / further / cap, deductions, grades, ranks."""

from decimal import Decimal as D

from points.scoring import (
    Rule,
    Scorer,
    category_totals,
    competition_ranks,
    grade_for,
    item_points,
    rule_points,
    total,
)

MEETING = Rule(1, "meetings", D(2), D(2), D(10))
SESSION = Rule(2, "meetings", D(15), D(0), D(15))
ABSENCE = Rule(3, "meetings", D(-5), D(-5), None)
DUTY = Rule(4, "voters", D(4), D(2), D(12))
CONCERN = Rule(5, "voters", D(1), D(1), D(8))
RULES = {r.id: r for r in (MEETING, SESSION, ABSENCE, DUTY, CONCERN)}
BANDS = [("优秀", D(85)), ("合格", D(60)), ("基本合格", D(45)), ("不合格", D(0))]


def test_first_then_further_items():
    assert rule_points(DUTY, 0) == 0
    assert rule_points(DUTY, 1) == 4
    assert rule_points(DUTY, 3) == 8
    assert item_points(DUTY, 1) == 4
    assert item_points(DUTY, 2) == 2


def test_the_yearly_cap():
    assert rule_points(DUTY, 4) == 10
    assert rule_points(DUTY, 5) == 12
    assert rule_points(DUTY, 50) == 12
    assert rule_points(SESSION, 3) == 15


def test_deductions_have_no_cap():
    assert rule_points(ABSENCE, 1) == -5
    assert rule_points(ABSENCE, 3) == -15


def test_category_totals_and_category_caps():
    counts = {MEETING.id: 3, SESSION.id: 1, ABSENCE.id: 1, DUTY.id: 2, CONCERN.id: 10}
    by_cat = category_totals(RULES, counts)
    assert by_cat == {"meetings": D(6 + 15 - 5), "voters": D(6 + 8)}
    capped = category_totals(RULES, counts, {"voters": D(10), "meetings": D(18)})
    # The cap limits what is earned; the deduction still counts in full.
    assert capped == {"meetings": D(18 - 5), "voters": D(10)}
    assert total(capped) == D(23)


def test_one_scorer_scores_a_whole_county_as_fresh_calls_would():
    """The year-end reports score everyone with one Scorer, which remembers each rule's
    points per count: what it remembers for one representative must not leak into the next."""
    caps = {"voters": D(10)}
    scorer = Scorer(RULES, caps)
    people = [
        {MEETING.id: 3, DUTY.id: 2},
        {MEETING.id: 3, ABSENCE.id: 2},
        {DUTY.id: 2, CONCERN.id: 10},
        {},
        {ABSENCE.id: 1},
        {MEETING.id: 3, DUTY.id: 2},
    ]
    for counts in people:
        assert scorer.category_totals(counts) == category_totals(RULES, counts, caps)
    assert scorer.category_totals({ABSENCE.id: 1}) == {"meetings": D(-5)}
    assert scorer.category_totals({DUTY.id: 2, CONCERN.id: 10}) == {"voters": D(10)}


def test_grade_bands():
    assert grade_for(D(85), BANDS) == "优秀"
    assert grade_for(D("84.9"), BANDS) == "合格"
    assert grade_for(D(60), BANDS) == "合格"
    assert grade_for(D(45), BANDS) == "基本合格"
    assert grade_for(D(44), BANDS) == "不合格"
    assert grade_for(D(-3), BANDS) == ""


def test_ranks_with_ties():
    ranks = competition_ranks({"a": D(90), "b": D(80), "c": D(80), "d": D(70), "e": D(90)})
    assert ranks == {"a": 1, "e": 1, "b": 3, "c": 3, "d": 5}
    assert competition_ranks({}) == {}
