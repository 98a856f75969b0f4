"""Legal help's demo (信访+法律咨询, issue #11): 凤凰镇's central station with its legal-service
room and hours, two legal workers (at that room, and at the county petition hall), a few
concerns with their advice (one public), and last month's and this month's joint
receptions at the county petition hall with their rosters and a concern received at one.

Idempotent: concerns are received with fixed submit keys, receptions found by title, advice
added only to a concern that has none. Every person here is invented; the phone numbers are
of the demo's made-up 137-0000 range and never shown on a public page.
"""

import uuid
from datetime import date, timedelta

from django.utils import timezone

from demo.logins import COUNTY_STAFF_GROUP, login, staff_group
from liaison.models import Activity, ActivityGuest, Representative, StaffScope, Station
from petitions import services, workflow
from petitions.models import Category, Petition, PetitionEvent, Reception
from points import services as points_services
from points.models import Attendance

DEMO_LEGAL_WORKER = ("falv", "Zhashui-falv-2026")
DEMO_HALL_LEGAL_WORKER = ("xinfang_falv", "Zhashui-xinfang-falv-2026")
LEGAL_NAMES = {DEMO_LEGAL_WORKER[0]: ("何", "文静"), DEMO_HALL_LEGAL_WORKER[0]: ("吴", "志远")}
LEGAL_STATION_SLUG = "fenghuang-center"
LEGAL_ROOM_HOURS = "每周二、周四 9:00–12:00"
HALL = "县信访大厅"
# County staff keep the joint reception's other participants in the activity's page.
LEGAL_PERMISSIONS = {"liaison": {"activityguest": ["view", "add", "change", "delete"]}}

# (key, text, citizen, advice, public): concerns received at 凤凰镇's central station.
STATION_CONCERNS = [
    (
        "legal-land",
        "我家承包地被邻居占用修了围墙，多次协商没有结果，想知道该怎么维权。",
        ("邓玉梅", "13700000301"),
        "承包地的界址以承包合同和确权登记为准。建议先请村委会组织双方协商；协商不成可"
        "向镇人民调解委员会申请调解，也可向法院起诉。请保留承包合同、确权证书和现场照片。",
        True,
    ),
    (
        "legal-wage",
        "在镇上工地干活三个月，包工头一直拖欠工资，共一万二千元。",
        ("韩树林", "13700000302"),
        "已告知当事人可向县人力资源和社会保障局劳动保障监察投诉，并准备考勤记录、工友证言"
        "和微信聊天记录；需要时可申请法律援助。建议代表跟进监察投诉的受理情况。",
        False,
    ),
    (
        "legal-divorce",
        "离婚后孩子抚养费对方一直不给，想咨询怎么办。",
        ("石晓燕", "13700000303"),
        "",
        False,
    ),
]
HALL_CONCERN = (
    "legal-hall",
    "村里修路占了我家两分地，补偿款一直没有发放，到信访大厅反映。",
    ("杜长林", "13700000304"),
    "补偿款的标准和发放以征收补偿方案为准。建议向镇政府书面申请查阅补偿方案和发放名册；"
    "对补偿决定不服的，可依法申请行政复议或提起行政诉讼。",
)
# The roster's participants who are not representatives (invented names, real posts).
HALL_ROSTER = [
    ("赵德明", "县人大常委会副主任", ActivityGuest.Kind.VICE_DIRECTOR),
    ("吴志远", "县信访大厅法律工作者", ActivityGuest.Kind.LEGAL_WORKER),
    ("孙海涛", "县人力资源和社会保障局局长", ActivityGuest.Kind.DEPARTMENT_HEAD),
    ("冯建军", "县自然资源局局长", ActivityGuest.Kind.DEPARTMENT_HEAD),
]


def _legal_login(credentials, station):
    user = login(credentials)
    if not (user.first_name or user.last_name):
        user.last_name, user.first_name = LEGAL_NAMES[credentials[0]]
        user.save(update_fields=["first_name", "last_name"])
    StaffScope.objects.get_or_create(
        user=user, defaults={"level": StaffScope.Level.LEGAL, "station": station}
    )
    return user


def _key(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"zhashui-demo-petition:{name}")


def _advise(petition, worker, text, public) -> None:
    if not text or petition.events.filter(kind=PetitionEvent.Kind.LEGAL_ADVICE).exists():
        return
    workflow.petition_legal_advice(petition=petition, actor=worker, text=text, is_public=public)


def _reception(on: date, county_rep, hall_worker) -> Activity:
    title = f"{HALL}联合接访（{on.year}年{on.month}月）"
    reception = Activity.objects.filter(kind=Activity.Kind.JOINT_RECEPTION, title=title).first()
    if reception is not None:
        return reception
    reception = Activity.objects.create(
        kind=Activity.Kind.JOINT_RECEPTION,
        title=title,
        date=on,
        place=HALL,
        organiser="柞水县人大常委会",
    )
    for name, post, kind in HALL_ROSTER:
        ActivityGuest.objects.create(
            activity=reception,
            name=name,
            post=post,
            kind=kind,
            user=hall_worker if kind == ActivityGuest.Kind.LEGAL_WORKER else None,
        )
    attendance = Attendance.objects.create(
        activity=reception, representative=county_rep, status=Attendance.Status.PRESENT
    )
    points_services.attendance_sync(attendance=attendance)
    return reception


def _reception_day(today: date, months_back: int) -> date:
    """The 10th of the month, ``months_back`` months ago; this month's, if the 10th is still
    to come, today (nobody attends a reception still to come)."""
    first = today.replace(day=1)
    for _ in range(months_back):
        first = (first - timedelta(days=1)).replace(day=1)
    return min(first.replace(day=10), today)


def load(*, county, stdout=None) -> dict[str, int]:
    """Load legal help's demo; idempotent."""
    staff_group(COUNTY_STAFF_GROUP, LEGAL_PERMISSIONS)
    station = Station.objects.get(slug=LEGAL_STATION_SLUG)
    if not station.has_legal_service_room or not station.legal_room_hours:
        station.has_legal_service_room = True
        station.legal_room_hours = LEGAL_ROOM_HOURS
        station.save(update_fields=["has_legal_service_room", "legal_room_hours"])
    worker = _legal_login(DEMO_LEGAL_WORKER, station)
    hall_worker = _legal_login(DEMO_HALL_LEGAL_WORKER, None)
    dispute = Category.objects.filter(is_dispute=True).order_by("pk").first()

    # Received at the station's reception desk, where the legal worker sits with the
    # representative on duty, who records the visit.
    on_duty = (
        Representative.objects.active()
        .filter(memberships__station=station)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    for key, text, (name, phone), advice, public in STATION_CONCERNS:
        reception, _token, _created = services.reception_record(
            representative=on_duty,
            station=station,
            actor=on_duty.user or county,
            text=text,
            category=dispute,
            citizen_name=name,
            citizen_phone=phone,
            consent=True,
            checklist=Reception.CHECKLIST,
            submit_key=_key(key),
        )
        _advise(reception.petition, worker, advice, public)

    today = timezone.localdate()
    county_rep = (
        Representative.objects.active()
        .filter(level=Representative.Level.COUNTY, memberships__station__town=station.town)
        .order_by("pk")
        .first()
    ) or Representative.objects.active().filter(level=Representative.Level.COUNTY).first()
    _reception(_reception_day(today, 1), county_rep, hall_worker)
    this_month = _reception(_reception_day(today, 0), county_rep, hall_worker)

    key, text, (name, phone), advice = HALL_CONCERN
    petition, _token, _created = services.petition_receive(
        channel=Petition.Channel.PETITION_HALL,
        text=text,
        town=station.town,
        category=dispute,
        citizen_name=name,
        citizen_phone=phone,
        consent=True,
        submit_key=_key(key),
        entered_by=county,
        source_activity=this_month,
    )
    _advise(petition, hall_worker, advice, True)
    advice_count = PetitionEvent.objects.filter(kind=PetitionEvent.Kind.LEGAL_ADVICE).count()
    if stdout is not None:
        stdout.write(
            f"Legal help demo: {Activity.objects.filter(kind=Activity.Kind.JOINT_RECEPTION).count()}"
            f" joint receptions, {advice_count} pieces of legal advice; "
            f"{Petition.objects.count()} concerns in all."
        )
    return {"advice": advice_count}
