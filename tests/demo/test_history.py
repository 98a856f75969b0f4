"""Last year's concerns of the demo (issue #14, demo/history.py): enough of them at 乾佑街道's
and 营盘镇's central stations for last year's public boards to show every share, moved
through the workflow and dated back in order, numbered in last year's sequence; nothing
personal on the public page; a second run adds nothing (loaded once for the package: see
conftest.py)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from demo import history as demo_history
from demo.concerns import DEMO_UNIT_NAME
from demo.logins import DEMO_COUNTY_STAFF
from petitions.boards import board_figures
from petitions.models import Notification, Petition, Sms, Survey, TrackingCounter
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

TOWNS = {"乾佑街道", "营盘镇"}
STATIONS = {"乾佑街道人大代表中心联络站", "营盘镇人大代表中心联络站"}


def _last_year() -> int:
    return timezone.localdate().year - 1


def _all_shares_shown(row) -> bool:
    return row.solved_share.shown and row.on_time_share.shown and row.satisfaction.shown


def test_last_years_board_shows_every_share_for_the_two_towns():
    rows = {r.name: r for r in board_figures(year=_last_year(), by="town")}
    assert set(rows) >= TOWNS
    for name in TOWNS:
        row = rows[name]
        assert _all_shares_shown(row), name
        # A believable mix: not everything solved, on time or satisfied.
        assert 0 < row.solved < row.outcomes
        assert 0 < row.on_time < row.reported
        assert row.satisfied <= row.surveyed


def test_last_years_board_shows_every_share_for_their_stations_and_one_unit():
    stations = {r.name: r for r in board_figures(year=_last_year(), by="station")}
    assert all(_all_shares_shown(stations[name]) for name in STATIONS)
    units = {r.name: r for r in board_figures(year=_last_year(), by="unit")}
    assert _all_shares_shown(units[DEMO_UNIT_NAME])


def test_the_concerns_are_last_years_in_order_and_finished():
    year = _last_year()
    concerns = Petition.objects.filter(created_at__year=year)
    assert 24 <= concerns.count() <= 30
    assert {p.received_on.year for p in concerns} == {year}
    assert all(p.tracking_no.startswith(f"ZS-{year}-") for p in concerns)
    assert not concerns.exclude(step="closed").exists()
    assert Survey.objects.filter(petition__in=concerns, rating="unsatisfied").count() >= 2
    for p in concerns.prefetch_related("events", "surveys"):
        times = [e.created_at for e in p.events.all()]
        assert times == sorted(times) and times[0] == p.created_at, p.tracking_no
        assert {timezone.localtime(t).year for t in times} == {year}, p.tracking_no
        assert all(timezone.localtime(s.created_at).year == year for s in p.surveys.all())
        assert p.assigned_at < p.reported_at <= p.closed_at, p.tracking_no
        assert p.deadline.year == year
    # Last year's notices were read last year, under last year's numbers; SMS went out then.
    notices = Notification.objects.filter(petition__in=concerns)
    assert not notices.filter(read_at__isnull=True).exists()
    assert not notices.filter(subject__contains=f"ZS-{year + 1}-").exists()
    assert not Sms.objects.filter(petition__in=concerns, status=Sms.Status.PENDING).exists()


def test_this_years_numbering_is_left_as_it_was():
    this_year = timezone.localdate().year
    numbers = Petition.objects.filter(tracking_no__startswith=f"ZS-{this_year}-").values_list(
        "tracking_no", flat=True
    )
    last = max(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert TrackingCounter.objects.get(year=this_year).last == last
    assert TrackingCounter.objects.get(year=this_year - 1).last == (
        Petition.objects.filter(created_at__year=this_year - 1).count()
    )


def test_the_public_board_of_last_year_shows_percentages_and_nothing_personal(client):
    year = _last_year()
    response = client.get(reverse("petitions:boards"), {"year": year})
    assert response.status_code == 200
    text = page_text(response)
    assert re.search(r"\d+%", text)
    concerns = Petition.objects.filter(created_at__year=year)
    names = set(concerns.exclude(citizen_name="").values_list("citizen_name", flat=True))
    assert names and not any(name in text for name in names)
    html = response.content.decode()
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", html)
    for town in Petition.objects.filter(town__name__in=TOWNS).values_list("town", flat=True)[:1]:
        page = client.get(reverse("petitions:boards_town", args=[town]), {"year": year})
        assert re.search(r"\d+%", page_text(page))


def test_a_second_run_adds_nothing():
    county = get_user_model().objects.get(username=DEMO_COUNTY_STAFF[0])
    before = Petition.objects.count()
    assert demo_history.load(county=county) == 0
    assert Petition.objects.count() == before
