"""Rows for the activities' results tests, made in bulk (the seed's half-year has hundreds)."""

import itertools
import uuid
from datetime import date

from liaison.models import Activity, ActivityGuest, Representative
from measures.models import FollowedSite, ResearchedIssue
from petitions.models import Petition, Step
from points.models import Attendance

Kind = Activity.Kind
Status = Attendance.Status
Level = Petition.Level
_seq = itertools.count(1)

H1 = (date(2026, 1, 1), date(2026, 6, 30))


def make_reps(count: int) -> list[Representative]:
    n = next(_seq)
    return Representative.objects.bulk_create(
        Representative(
            name=f"批量代表{n}-{i}",
            gender=Representative.Gender.MALE,
            level=Representative.Level.COUNTY,
            term="第十九届",
        )
        for i in range(count)
    )


def make_activity(kind=Kind.DIRECTOR_RECEPTION, on=date(2026, 3, 10), station=None, **fields):
    return Activity.objects.create(
        kind=kind,
        title=fields.pop("title", f"活动{next(_seq)}"),
        date=on,
        station=station,
        **fields,
    )


def attend(activity, reps, status=Status.PRESENT) -> None:
    Attendance.objects.bulk_create(
        Attendance(activity=activity, representative=r, status=status) for r in reps
    )


def raise_concerns(activity, count: int, **fields) -> list[Petition]:
    """``count`` concerns raised at ``activity`` (channel activity), with ``fields``."""
    year = activity.date.year
    return Petition.objects.bulk_create(
        Petition(
            tracking_no=f"T{year}{uuid.uuid4().hex[:12]}",
            token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
            channel=Petition.Channel.ACTIVITY,
            text="活动中代表提出的意见建议，请相关部门研究办理。",
            source_activity=activity,
            town=activity.station.town if activity.station else None,
            **fields,
        )
        for _ in range(count)
    )


def guests(activity, count: int) -> None:
    ActivityGuest.objects.bulk_create(
        ActivityGuest(
            activity=activity,
            name=f"负责人{i}",
            post="县直部门局长",
            kind=ActivityGuest.Kind.DEPARTMENT_HEAD,
        )
        for i in range(count)
    )


def researched(activity, count: int, plan="深入调研，制定解决方案。") -> None:
    ResearchedIssue.objects.bulk_create(
        ResearchedIssue(activity=activity, title=f"共性问题{i}", plan=plan) for i in range(count)
    )


def sites(activity, count: int) -> None:
    FollowedSite.objects.bulk_create(
        FollowedSite(activity=activity, name=f"和美乡村示范点{i}", problems="道路硬化")
        for i in range(count)
    )


def seed_half_year(station=None) -> dict:
    """The seed's first half of 2026, and noise that must not count: director receptions
    (100 present attendances, 129 concerns: 97 town, 32 county), face-to-face meetings (31
    officials; 68 concerns, of which 63 answered, 40 on the spot; 18 issues researched with a
    plan; 5 sites) and a briefing (150 present, 170 concerns)."""
    reps = make_reps(150)
    # 主任接待代表: four receptions, 25 present each, and some excused or absent.
    receptions = [
        make_activity(Kind.DIRECTOR_RECEPTION, on, station=station)
        for on in (date(2026, 1, 1), date(2026, 2, 15), date(2026, 4, 20), date(2026, 6, 30))
    ]
    for activity in receptions:
        attend(activity, reps[:25])
        attend(activity, reps[25:30], Status.EXCUSED)
        attend(activity, reps[30:32], Status.ABSENT)
    for activity, (town, county) in zip(
        receptions, [(25, 8), (24, 8), (24, 8), (24, 8)], strict=True
    ):
        raise_concerns(activity, town, level=Level.TOWN)
        raise_concerns(activity, county, level=Level.COUNTY)
    # 代表·局长面对面: two meetings.
    meetings = [
        make_activity(Kind.FACE_TO_FACE, on, station=station)
        for on in (date(2026, 3, 5), date(2026, 5, 28))
    ]
    guests(meetings[0], 16)
    guests(meetings[1], 15)
    raise_concerns(meetings[0], 20, handled_on_the_spot=True)
    raise_concerns(meetings[1], 20, handled_on_the_spot=True)
    # Answered later: a standing closing outcome.
    raise_concerns(meetings[0], 12, step=Step.CLOSED, outcome=Petition.Outcome.SOLVED)
    raise_concerns(meetings[1], 11, step=Step.REPORTED, outcome=Petition.Outcome.ANSWERED)
    # Not answered: still with the unit, or sent back by 不满意 (its old outcome stays).
    raise_concerns(meetings[0], 3, step=Step.SUPERVISING)
    raise_concerns(meetings[1], 2, step=Step.SUPERVISING, outcome=Petition.Outcome.SOLVED)
    researched(meetings[0], 10)
    researched(meetings[1], 8)
    researched(meetings[1], 2, plan="")  # no plan yet: not counted
    sites(meetings[1], 5)
    # 通报工作: one briefing.
    briefing = make_activity(Kind.BRIEFING, date(2026, 6, 12), station=station)
    attend(briefing, reps)
    raise_concerns(briefing, 170)
    # Noise: cancelled, or just outside the half-year.
    cancelled = make_activity(Kind.DIRECTOR_RECEPTION, date(2026, 3, 1), station=station)
    cancelled.is_cancelled = True
    cancelled.save(update_fields=["is_cancelled"])
    for activity in (
        cancelled,
        make_activity(Kind.DIRECTOR_RECEPTION, date(2025, 12, 31), station=station),
        make_activity(Kind.DIRECTOR_RECEPTION, date(2026, 7, 1), station=station),
        make_activity(Kind.FACE_TO_FACE, date(2026, 7, 1), station=station),
        make_activity(Kind.BRIEFING, date(2025, 12, 31), station=station),
    ):
        attend(activity, reps[:10])
        raise_concerns(activity, 3, level=Level.TOWN, handled_on_the_spot=True)
        guests(activity, 2)
        researched(activity, 1)
        sites(activity, 1)
    return {"receptions": receptions, "meetings": meetings, "briefing": briefing}
