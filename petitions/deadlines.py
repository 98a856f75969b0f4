"""Pure date arithmetic for deadlines: calendar days, holidays and make-up working days.

No database here: callers pass the calendar in (``Calendar.from_db()`` builds it), so
the rules are tested without one.

The rules (MISSION.md, 信访工作条例 2022): limits are counted in calendar days, the first
day not counted; a deadline that falls on a day off moves to the next working day. Days
off are weekends and public holidays, except the make-up working days (调休) that fall on a
weekend. Limits "in working days" (objecting to a wrong assignment) count working days only.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    # The years whose holidays were entered. A deadline in any other year is reckoned on
    # weekends only, and every page that shows it says so (``is_estimated``).
    years: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def from_db(cls) -> "Calendar":
        # Imported here: the rest of this module is pure and is tested without Django.
        from petitions.models import CalendarDay

        rows = CalendarDay.objects.values_list("date", "kind")
        return cls(
            holidays=frozenset(d for d, k in rows if k == CalendarDay.Kind.HOLIDAY),
            workdays=frozenset(d for d, k in rows if k == CalendarDay.Kind.WORKDAY),
            years=frozenset(d.year for d, _k in rows),
        )

    def is_estimated(self, day: date | None) -> bool:
        """True when ``day`` falls in a year whose holidays are not entered: it was
        reckoned on weekends only (按周末估算，节假日未录入)."""
        return day is not None and day.year not in self.years

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_days(self, start: date, days: int) -> date:
        """The deadline ``days`` calendar days after ``start`` (not counting ``start``),
        moved to the next working day if it falls on a day off."""
        return self.next_working_day(start + timedelta(days=days))

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start``."""
        day = start
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def warning_for(*, deadline: date | None, today: date, warn_days: int) -> str:
    """'' before the warning window, 'yellow' within ``warn_days`` of the deadline,
    'red' once it has passed."""
    if deadline is None:
        return ""
    if today > deadline:
        return "red"
    if (deadline - today).days <= warn_days:
        return "yellow"
    return ""
