"""Deadline arithmetic, without a database."""

from datetime import date

from petitions.deadlines import Calendar, warning_for

# The official 2026 calendar, as the data migration ships it (a few days of it).
CAL = Calendar(
    holidays=frozenset(
        [date(2026, 10, d) for d in range(1, 8)] + [date(2026, 5, d) for d in range(1, 6)]
    ),
    workdays=frozenset([date(2026, 9, 20), date(2026, 10, 10), date(2026, 5, 9)]),
)


def test_it_does_not_count_the_first_day():
    # Monday 2026-11-02 + 15 days = Tuesday 2026-11-17.
    assert CAL.add_days(date(2026, 11, 2), 15) == date(2026, 11, 17)


def test_it_moves_a_deadline_off_a_weekend():
    # Friday 2026-11-06 + 1 = Saturday → Monday.
    assert CAL.add_days(date(2026, 11, 6), 1) == date(2026, 11, 9)


def test_it_moves_a_deadline_off_a_public_holiday():
    # 2026-09-16 + 15 = 2026-10-01 (国庆) → the first working day after the holiday.
    assert CAL.add_days(date(2026, 9, 16), 15) == date(2026, 10, 8)


def test_it_keeps_a_deadline_on_a_make_up_working_day():
    # Sunday 2026-09-20 is a make-up working day (调休).
    assert CAL.add_days(date(2026, 9, 13), 7) == date(2026, 9, 20)
    assert CAL.is_working_day(date(2026, 10, 10))


def test_it_counts_working_days_for_the_return_limit():
    # Assigned Thursday 2026-04-30: 5 working days skip 5/1–5/5 and count Saturday 5/9.
    assert CAL.add_working_days(date(2026, 4, 30), 5) == date(2026, 5, 11)
    assert CAL.working_days_between(date(2026, 4, 30), date(2026, 5, 11)) == 5


def test_it_warns_yellow_near_the_deadline_and_red_after_it():
    deadline = date(2026, 11, 20)
    assert warning_for(deadline=deadline, today=date(2026, 11, 16), warn_days=3) == ""
    assert warning_for(deadline=deadline, today=date(2026, 11, 17), warn_days=3) == "yellow"
    assert warning_for(deadline=deadline, today=date(2026, 11, 20), warn_days=3) == "yellow"
    assert warning_for(deadline=deadline, today=date(2026, 11, 21), warn_days=3) == "red"
    assert warning_for(deadline=None, today=date(2026, 11, 21), warn_days=3) == ""
