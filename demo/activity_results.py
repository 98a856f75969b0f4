"""Demo results of this year's activities (issue #14, part B) for `load_demo`: a director's
reception this half-year at 乾佑街道's central station (the demo town staff's town) with its
attendance, the director present and a few concerns raised, solved at town level or sent to
the county; the points demo's face-to-face meeting and briefing of this year get their
officials, concerns (one handled on the spot), common issues researched with a plan and the
demonstration sites followed. Concerns come in through ``petitions.services`` and the
workflow, attendance through ``points.services``, the rest through
``measures.activity_services``; everything is found again by its key, so a second run adds
nothing. Everyone is invented."""

import uuid
from datetime import timedelta

from django.utils import timezone

from liaison.models import Activity, ActivityGuest, Representative, Station
from measures import activity_services
from measures.activities import half_year
from measures.models import FollowedSite, ResearchedIssue
from petitions import services, workflow
from petitions.models import Category, Petition
from points import services as points_services
from points.models import Attendance

K = Activity.Kind
RECEPTION_TITLE = "县人大常委会主任进站接待代表"
RECEPTION_TOWN = "乾佑街道"
GUESTS = {
    "reception": [("王建国", "县人大常委会主任", ActivityGuest.Kind.OTHER)],
    "face_to_face": [
        ("李明华", "县教育局局长", ActivityGuest.Kind.DEPARTMENT_HEAD),
        ("张卫东", "县财政局局长", ActivityGuest.Kind.DEPARTMENT_HEAD),
        ("陈晓燕", "县人社局局长", ActivityGuest.Kind.DEPARTMENT_HEAD),
    ],
}
# (key, activity, text, category, level or None, handled on the spot)
CONCERNS = [
    (
        "reception-1",
        "reception",
        "社区老旧小区雨污管网堵塞，雨天污水外溢，建议纳入老旧小区改造计划。",
        "住房建设",
        "town",
        False,
    ),
    (
        "reception-2",
        "reception",
        "街道农贸市场周边占道经营严重，早晚高峰通行困难，建议划定临时摊点区。",
        "道路交通",
        "town",
        False,
    ),
    (
        "reception-3",
        "reception",
        "建议县上统筹建设城区第二水源，解决夏季高峰用水紧张问题。",
        "住房建设",
        "county",
        False,
    ),
    (
        "face-1",
        "face_to_face",
        "山区学校教师周转房不足，年轻教师留不住，建议增建周转宿舍。",
        "教育",
        None,
        True,
    ),
]
ISSUES = [
    (
        "山区学校教师留不住",
        "县教育局牵头，会同财政、人社部门调研山区学校教师周转房和待遇，"
        "制定三年建设计划，每年新建周转宿舍20套。",
        ["face-1"],
    ),
    (
        "农村寄宿制学校营养餐标准偏低",
        "县教育局联合卫健部门开展营养餐专项调研，提出提标方案报县政府审定。",
        [],
    ),
]
SITES = [
    ("营盘镇朱家湾村和美乡村示范点", "污水管网未全覆盖，公共厕所管护不到位。"),
    ("小岭镇金米村和美乡村示范点", "木耳产业冷链仓储不足，村内道路亮化缺口。"),
]


def _key(key: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"zhashui-demo-activity-results:{key}")


def _reception(county) -> Activity | None:
    """This half-year's director's reception at the demo town's central station, with its
    attendance (through points, which counts it)."""
    today = timezone.localdate()
    start, _end = half_year(today)
    station = Station.objects.filter(
        town__name=RECEPTION_TOWN, kind=Station.Kind.CENTRAL, is_active=True
    ).first()
    if station is None:
        return None
    activity = Activity.objects.filter(
        kind=K.DIRECTOR_RECEPTION, title=RECEPTION_TITLE, date__gte=start
    ).first()
    if activity is not None:
        return activity
    activity = Activity.objects.create(
        kind=K.DIRECTOR_RECEPTION,
        title=RECEPTION_TITLE,
        date=max(start, today - timedelta(days=20)),
        place=station.name,
        station=station,
        organiser="县人大常委会办公室",
    )
    reps = list(
        Representative.objects.active()
        .filter(memberships__station__town=station.town)
        .distinct()
        .order_by("pk")[:9]
    )
    # The last one excused, with the excuse approved (an unapproved one costs points).
    rows = [
        Attendance(activity=activity, representative=rep, status=Attendance.Status.PRESENT)
        for rep in reps[:-1]
    ] + [
        Attendance(
            activity=activity,
            representative=rep,
            status=Attendance.Status.EXCUSED,
            excuse="因公出差，已书面请假",
            excuse_approved=True,
            approved_by=county,
        )
        for rep in reps[-1:]
    ]
    for attendance in Attendance.objects.bulk_create(rows):
        points_services.attendance_sync(attendance=attendance)
    return activity


def _this_year(kind) -> Activity | None:
    """The points demo's activity of ``kind`` this year (the latest, not cancelled)."""
    today = timezone.localdate()
    return (
        Activity.objects.filter(
            kind=kind, date__year=today.year, date__lte=today, is_cancelled=False
        )
        .order_by("-date", "pk")
        .first()
    )


def _guests(activity, guests) -> None:
    for name, post, kind in guests:
        ActivityGuest.objects.get_or_create(
            activity=activity, name=name, defaults={"post": post, "kind": kind}
        )


def _concern(activity, key, text, category, level, on_the_spot, county) -> Petition:
    petition, _token, created = services.petition_receive(
        channel=Petition.Channel.ACTIVITY,
        text=text,
        town=activity.station.town if activity.station else None,
        # No station: the key issues' demo picks a station's concerns, and runs before this.
        category=category,
        submit_key=_key(key),
        entered_by=county,
        source_activity=activity,
        handled_on_the_spot=on_the_spot,
        # Typed in today, from the activity's minutes: the acceptance limit counts from
        # today, so no card is due (the demo's overdue job ran before this part).
        received_on=timezone.localdate(),
    )
    if created and level:
        workflow.petition_collect(
            petition=petition,
            actor=county,
            category=category,
            level=level,
            town=petition.town,
        )
    return petition


def load(*, county, stdout=None) -> dict[str, int]:
    """The demo's activity results; returns how many concerns were raised at them."""
    activities = {
        "reception": _reception(county),
        "face_to_face": _this_year(K.FACE_TO_FACE),
        "briefing": _this_year(K.BRIEFING),
    }
    categories = {c.name: c for c in Category.objects.all()}
    raised = {}
    for key, where, text, category, level, on_the_spot in CONCERNS:
        activity = activities.get(where)
        if activity is None:
            continue
        raised[key] = _concern(
            activity, key, text, categories.get(category), level, on_the_spot, county
        )
    for where, guests in GUESTS.items():
        if activities.get(where) is not None:
            _guests(activities[where], guests)
    meeting = activities["face_to_face"]
    if meeting is not None:
        for title, plan, keys in ISSUES:
            if not ResearchedIssue.objects.filter(activity=meeting, title=title).exists():
                activity_services.researched_issue_add(
                    activity=meeting,
                    title=title,
                    plan=plan,
                    petitions=[raised[k] for k in keys if k in raised],
                    actor=county,
                )
        for name, problems in SITES:
            if not FollowedSite.objects.filter(activity=meeting, name=name).exists():
                activity_services.followed_site_add(
                    activity=meeting, name=name, problems=problems, actor=county
                )
    if stdout is not None:
        stdout.write(
            f"Activity results demo: {len(raised)} concerns raised at this year's "
            f"director's reception and face-to-face meeting; {Petition.objects.count()} "
            "concerns in all."
        )
    return {"concerns": len(raised)}
