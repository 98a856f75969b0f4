"""The working-day calendar kept by staff: each year's holidays and make-up working days,
entered at once from the State Council's notice, and the warning while next year's are
missing (a banner on staff pages from 1 November, and one e-mail to county staff).

Until a year is entered, its deadlines are reckoned on weekends only and marked so
(``deadlines.Calendar.is_estimated``), never silently.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import notifications
from petitions.deadlines import Calendar
from petitions.errors import WorkflowError
from petitions.models import CalendarDay, CalendarReminder, Petition

# The staff pages' banner reads this key, which the beat job writes (see ``banner_year``).
BANNER_KEY = "petitions:calendar-missing-year"
BANNER_SECONDS = 3 * 3600

# From this day of the year, staff are warned that next year's holidays are missing (the
# State Council usually publishes them in late October or November).
WARN_FROM = (11, 1)


@dataclass(frozen=True)
class HolidayRange:
    name: str
    first: date
    last: date


def year_missing(*, today: date | None = None) -> int | None:
    """Next year, when it is 1 November or later and its holidays are not entered; else
    None. One small query, only from November on."""
    today = today or timezone.localdate()
    if (today.month, today.day) < WARN_FROM:
        return None
    year = today.year + 1
    return None if CalendarDay.objects.filter(date__year=year).exists() else year


def banner_year() -> int | None:
    """The year the staff pages' banner asks for, as the job last found it: read from the
    cache, never the database, so no page pays a query for it."""
    try:
        return cache.get(BANNER_KEY)
    except Exception:  # noqa: BLE001 - Redis down: the page shows, without the banner
        return None


def calendar_missing_notify(*, today: date | None = None) -> bool:
    """Beat (hourly): note for the staff pages' banner whether next year's holidays are
    missing, and e-mail county staff once that they are. The reminder's row (one per year)
    remembers the e-mail was sent, however often the job runs. True when it sent it."""
    year = year_missing(today=today)
    # Kept a little longer than the job's interval: a stopped beat lets the banner go.
    cache.set(BANNER_KEY, year, timeout=BANNER_SECONDS)
    if year is None:
        return False
    try:
        with transaction.atomic():
            CalendarReminder.objects.create(year=year)
            notifications.calendar_missing_notify(year=year)
    except IntegrityError:
        return False  # sent already (perhaps by a run at the same moment)
    return True


# The State Council's longest holiday so far is 9 days (Spring Festival 2026): a longer range
# is a typing mistake (QA entered "国庆节 2027-01-01 2027-12-31" and got 365 holidays).
MAX_HOLIDAY_DAYS = 12


def check_year(*, year: int, holidays: list[HolidayRange], workdays: list[date]) -> None:
    """The notice's dates make sense: all in ``year``, each range first ≤ last, no two
    ranges overlapping, no make-up working day inside a holiday. Raises WorkflowError."""
    if not holidays:
        raise WorkflowError(_("Enter at least one holiday."))
    for h in holidays:
        if not h.name.strip():
            raise WorkflowError(_("Name every holiday."))
        if h.first > h.last:
            raise WorkflowError(
                _("%(name)s: the first day is after the last day.") % {"name": h.name}
            )
        if (h.last - h.first).days + 1 > MAX_HOLIDAY_DAYS:
            raise WorkflowError(
                _("%(name)s: %(days)d days is longer than any official holiday; check the dates.")
                % {"name": h.name, "days": (h.last - h.first).days + 1}
            )
        if h.first.year != year or h.last.year != year:
            raise WorkflowError(
                _("%(name)s: the dates must be in %(year)d.") % {"name": h.name, "year": year}
            )
    ordered = sorted(holidays, key=lambda h: h.first)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.first <= before.last:
            raise WorkflowError(_("%(a)s and %(b)s overlap.") % {"a": before.name, "b": after.name})
    for day in workdays:
        if day.year != year:
            raise WorkflowError(
                _("The make-up working day %(date)s is not in %(year)d.")
                % {"date": day, "year": year}
            )
        if any(h.first <= day <= h.last for h in holidays):
            raise WorkflowError(
                _("The make-up working day %(date)s falls in a holiday.") % {"date": day}
            )
    if len(set(workdays)) != len(workdays):
        raise WorkflowError(_("A make-up working day is entered twice."))


def _settle_estimates(year: int) -> None:
    """The year's limits reckoned on weekends only are no longer estimates: one that now
    falls on a holiday moves to the next working day (never earlier: nobody loses time they
    were told they had), and the mark goes."""
    calendar = Calendar.from_db()
    for column in ("deadline", "collect_by"):
        flag = f"{column}_estimated"
        rows = Petition.objects.filter(**{flag: True, f"{column}__year": year})
        for pk, day in rows.values_list("pk", column):
            Petition.objects.filter(pk=pk).update(
                **{column: calendar.next_working_day(day), flag: False}
            )


def calendar_year_save(
    *, year: int, holidays: list[HolidayRange], workdays: list[date], actor
) -> int:
    """Save a year's calendar in one go, replacing what was entered for that year (staff
    correct a mistake by entering the notice again). Returns the number of days saved."""
    check_year(year=year, holidays=holidays, workdays=workdays)
    rows = []
    for h in holidays:
        day = h.first
        while day <= h.last:
            rows.append(CalendarDay(date=day, kind=CalendarDay.Kind.HOLIDAY, name=h.name[:30]))
            day += timedelta(days=1)
    rows += [
        CalendarDay(date=d, kind=CalendarDay.Kind.WORKDAY, name=_("make-up working day"))
        for d in workdays
    ]
    with transaction.atomic():
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(rows)
        _settle_estimates(year)
        if cache.get(BANNER_KEY) == year:
            transaction.on_commit(lambda: cache.delete(BANNER_KEY))
        # The audit row: who entered which year, and what (the admin's history shows it).
        LogEntry.objects.create(
            user=actor,
            content_type=ContentType.objects.get_for_model(CalendarDay),
            object_repr=str(year),
            action_flag=CHANGE,
            change_message=_(
                "Entered the %(year)d calendar: %(h)d holiday ranges, %(w)d make-up working days"
            )
            % {"year": year, "h": len(holidays), "w": len(workdays)},
        )
    return len(rows)
