"""The study demo (线上学, issue #11 item 6): the laws the seed names with their official
link (titles and links only, never their text), the eight 人大讲堂 sessions, the
"一制度+四部法+两技能" training documents, one station's own material, last month's
collective study at each town's central station with attendance, and reads by several
representatives. Everything through study.services and points.services; idempotent."""

from datetime import timedelta

from django.utils import timezone

from demo.logins import COUNTY_STAFF_GROUP, TOWN_STAFF_GROUP, staff_group
from liaison.models import Activity, Representative, Station, StationMembership
from points import services as points
from points.models import Attendance
from study import services
from study.models import Material, MaterialRead

# The national law database (国家法律法规数据库): each law is found there by its title.
LAW_DATABASE = "https://flk.npc.gov.cn/"

LAWS = [
    "中华人民共和国道路交通安全法",
    "中华人民共和国道路交通安全法实施条例",
    "陕西省实施《中华人民共和国道路交通安全法》办法",
    "中华人民共和国退役军人保障法",
    "中华人民共和国消防法",
    "中华人民共和国家庭教育促进法",
]
LAW_SUMMARY = (
    "县人大常委会开展贯彻落实情况执法检查的法律法规。请在国家法律法规数据库中按标题查阅正式文本。"
)

# 人大讲堂: eight sessions were held (the seed); the titles and speakers are invented.
LECTURES = [
    ("人大讲堂第一期：人民代表大会制度的历史与发展", "县人大常委会研究室"),
    ("人大讲堂第二期：代表如何提出高质量建议", "县人大常委会代表工作委员会"),
    ("人大讲堂第三期：代表联络站的日常运行与接待群众", "县人大常委会代表工作委员会"),
    ("人大讲堂第四期：预算审查监督基础知识", "县人大常委会预算工作委员会"),
    ("人大讲堂第五期：执法检查与专题调研的方法", "县人大常委会法制工作委员会"),
    ("人大讲堂第六期：基层矛盾纠纷化解与法律服务", "县司法局"),
    ("人大讲堂第七期：乡村振兴政策解读", "县农业农村局"),
    ("人大讲堂第八期：代表履职积分与述职", "县人大常委会代表工作委员会"),
]

TRAINING = [
    ("“一制度+四部法+两技能”培训资料：人民代表大会制度", "一制度：人民代表大会制度的基本内容。"),
    (
        "“一制度+四部法+两技能”培训资料：四部法学习提纲",
        "四部法：与代表履职密切相关的四部法律的学习提纲，正式文本以国家法律法规数据库为准。",
    ),
    (
        "“一制度+四部法+两技能”培训资料：两项履职技能",
        "两技能：撰写代表建议、联系服务群众的方法与实例。",
    ),
]


# The administration's read-only study lists (scoped by study.admin); changes are made on
# the staff's study pages.
STUDY_PERMISSIONS = {
    "study": {"material": ["view"], "materialread": ["view"], "materialevent": ["view"]}
}


def _material(actor, title, **fields) -> Material:
    existing = Material.objects.filter(title=title).first()
    if existing is not None:
        return existing
    return services.material_create(actor=actor, title=title, publish=True, **fields)


def _materials(county, town_staff, rep) -> list[Material]:
    made = [
        _material(county, title, kind=Material.Kind.LAW, url=LAW_DATABASE, summary=LAW_SUMMARY)
        for title in LAWS
    ]
    today = timezone.localdate()
    for number, (title, speaker) in enumerate(LECTURES):
        made.append(
            _material(
                county,
                title,
                kind=Material.Kind.LECTURE,
                lecture_date=today - timedelta(days=30 * (len(LECTURES) - number)),
                speaker=speaker,
                summary="人大讲堂集中授课的课件与要点，供未能到场的代表自学。",
            )
        )
    for title, summary in TRAINING:
        made.append(
            _material(
                county,
                title,
                kind=Material.Kind.DOCUMENT,
                audience=Material.Audience.LEVEL,
                level=Representative.Level.COUNTY,
                summary=summary,
            )
        )
    # The town staff's own material, for the demo representative's station in their town.
    town_id = town_staff.staff_scope.town_id
    in_town = Station.objects.filter(town_id=town_id, is_active=True).order_by("kind", "pk")
    station = in_town.filter(representatives=rep).first() or in_town.first()
    if station is not None:
        made.append(
            _material(
                town_staff,
                f"{station.name}本月接待日群众反映问题汇总",
                kind=Material.Kind.DOCUMENT,
                audience=Material.Audience.STATION,
                station=station,
                summary="本站接待日收集的意见建议及办理进度，供进站代表学习交流。",
            )
        )
    return made


def _reads(materials, rep) -> None:
    """The demo representative has read a few; other representatives some."""
    for material in materials[:3] + materials[6:8]:
        if services.materials_for(rep).filter(pk=material.pk).exists():
            services.material_read(material=material, representative=rep)
    others = Representative.objects.filter(is_active=True).exclude(pk=rep.pk).order_by("pk")[:30]
    for index, other in enumerate(others):
        for material in materials[index % 4 :: 5]:
            if services.materials_for(other).filter(pk=material.pk).exists():
                services.material_read(material=material, representative=other)


def _collective_study() -> int:
    """Last month's collective study at each town's central station, with attendance."""
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=15)
    made = 0
    for station in Station.objects.filter(kind=Station.Kind.CENTRAL, is_active=True).order_by("pk"):
        title = f"{last_month.month}月代表集体学习"
        activity, created = Activity.objects.get_or_create(
            kind=Activity.Kind.COLLECTIVE_STUDY,
            station=station,
            date=last_month,
            defaults={
                "title": title,
                "place": station.name,
                "organiser": f"{station.town.name}人大",
            },
        )
        if not created:
            continue
        made += 1
        members = StationMembership.objects.filter(
            station=station, representative__is_active=True
        ).select_related("representative")
        for membership in members.order_by("pk"):
            # Everyone present: the study is held on the station's duty day, and the points
            # demo's attendance already shows leave and absence.
            attendance = Attendance.objects.create(
                activity=activity,
                representative=membership.representative,
                status=Attendance.Status.PRESENT,
            )
            points.attendance_sync(attendance=attendance)
    return made


def load(*, county, town_staff, rep, stdout=None) -> dict[str, int]:
    """Load the study demo; a second run adds nothing."""
    staff_group(COUNTY_STAFF_GROUP, STUDY_PERMISSIONS)
    staff_group(TOWN_STAFF_GROUP, STUDY_PERMISSIONS)
    materials = _materials(county, town_staff, rep)
    _reads(materials, rep)
    sessions = _collective_study()
    if stdout is not None:
        stdout.write(
            f"Study demo: {Material.objects.count()} materials, "
            f"{MaterialRead.objects.count()} reads, {sessions} new collective study sessions."
        )
    return {"materials": len(materials), "sessions": sessions}
