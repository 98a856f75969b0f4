"""Thin fixtures of the key issues' tests, on top of the world (tests/base.py)."""

from datetime import date

from django.utils import timezone

from keyissues import services


def this_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, services.quarter_of(today)


def make_issue(world, *, station=None, title="村道积水", reps=None, petitions=(), **kw):
    station = station or world.station_a
    year, quarter = this_quarter()
    kw.setdefault("year", year)
    kw.setdefault("quarter", quarter)
    if reps is None:
        reps = [world.rep_a] if station == world.station_a else []
    return services.key_issue_create(
        station=station,
        title=title,
        topic="雨天积水",
        plan="排查、协调、督办",
        petitions=petitions,
        representatives=reps,
        actor=world.county,
        **kw,
    )


def solve(world, issue, *, on: date | None = None):
    return services.key_issue_conclude(
        issue=issue,
        state="solved",
        result="已硬化排水沟",
        result_date=on or timezone.localdate(),
        actor=world.county,
    )
