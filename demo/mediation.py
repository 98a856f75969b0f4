"""The mediation demo (人大代表+和事佬, issue #11): six disputes received at a station of
杏坪镇 by one of its representatives, mediated by its representatives: three with an agreement, one without, one
referred to the courts, one still open. Made through the petitions and mediation services
as staff and the representatives would; found again by each concern's key, so a second run
adds nothing.

Every person here is invented; no phone number is kept for a party.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from demo.logins import COUNTY_STAFF_GROUP, TOWN_STAFF_GROUP, staff_group
from liaison.models import Representative, Station, Town
from mediation import services
from mediation.models import Mediation
from petitions import services as petition_services
from petitions.models import Category, Petition, Reception

TOWN = "杏坪镇"
# Staff read the mediations in the administration too (every change is on its own page).
MEDIATION_PERMISSIONS = {"mediation": {"mediation": ["view"]}}


@dataclass(frozen=True)
class DemoMediation:
    key: str
    text: str
    parties: tuple[tuple[str, str], ...]  # (name, role)
    sessions: tuple[tuple[int, str], ...]  # (days before today, what happened)
    outcome: str  # "" while open
    agreement: str = ""
    days_ago: int = 30  # opened


DEMOS = [
    DemoMediation(
        "boundary",
        "中山村两户村民因宅基地边界、院墙位置发生争执，多次争吵，请求代表出面调解。",
        (("周德贵", "applicant"), ("何长林", "respondent")),
        (
            (26, "实地查看院墙与界桩位置，听取双方陈述。"),
            (19, "对照确权资料，双方就界线初步达成一致意见。"),
        ),
        "success",
        "双方同意以确权时所埋界桩连线为界；何长林一方于一个月内自行拆除越界部分院墙，"
        "周德贵一方不再主张其他赔偿。双方今后和睦相处。",
        days_ago=30,
    ),
    DemoMediation(
        "wages",
        "天星村十余名村民在镇上木耳加工厂务工，厂方拖欠三个月工资未付，村民到联络站反映。",
        (("吴秀兰", "applicant"), ("杏坪某木耳加工厂", "respondent")),
        (
            (20, "约请厂方负责人到站，核对务工人员名单与出勤记录。"),
            (13, "厂方说明资金周转困难，提出分期支付方案，务工人员代表同意。"),
        ),
        "success",
        "厂方承认拖欠工资数额，于本月底前支付一半，下月底前付清余款；"
        "逾期未付，务工人员可依法申请劳动仲裁。",
        days_ago=24,
    ),
    DemoMediation(
        "support",
        "中山村一位八旬老人反映三个子女互相推诿、不履行赡养义务。",
        (("孙桂芳", "applicant"), ("孙立新", "respondent"), ("孙红霞", "respondent")),
        ((15, "分别走访三名子女，讲解赡养义务，听取各自困难。"),),
        "success",
        "三名子女按月轮流照料老人起居，每人每月承担生活费，医疗费用三人平均分担。",
        days_ago=18,
    ),
    DemoMediation(
        "drain",
        "天星村两户相邻村民因排水沟渠堵塞导致一方房屋进水，就修复费用发生纠纷。",
        (("郭振东", "applicant"), ("马德胜", "respondent")),
        ((10, "现场查看沟渠，双方对修复费用分担意见分歧较大。"),),
        "failed",
        days_ago=14,
    ),
    DemoMediation(
        "forest",
        "两个村民小组之间因山林承包界址不清发生争议，涉及林权证登记。",
        (("中山村三组", "applicant"), ("中山村五组", "respondent")),
        ((8, "查阅承包合同与林权登记，争议涉及权属确认。"),),
        "referred",
        days_ago=12,
    ),
    DemoMediation(
        "homestay",
        "天星村村民反映邻近民宿夜间经营噪音扰民，与经营者多次交涉无果。",
        (("林雪梅", "applicant"), ("天星村某民宿", "respondent")),
        ((3, "听取双方意见，约定下次邀请村委会一同调解。"),),
        "",
        days_ago=5,
    ),
]


def _mediators(town: Town) -> list[Representative]:
    """The first two active representatives seated at 杏坪镇's stations (by name)."""
    return list(
        Representative.objects.filter(is_active=True, memberships__station__town=town)
        .distinct()
        .order_by("name", "pk")[:2]
    )


def _concern(demo: DemoMediation, *, receiver, station, actor) -> Petition:
    """The dispute, received at the station by its representative (a reception)."""
    reception, _token, _created = petition_services.reception_record(
        representative=receiver,
        station=station,
        actor=actor,
        text=demo.text,
        category=Category.objects.get(name="矛盾纠纷"),
        checklist=Reception.INTAKE_CHECKLIST,
        submit_key=uuid.uuid5(uuid.NAMESPACE_URL, f"zhashui-demo-mediation:{demo.key}"),
    )
    return reception.petition


def load(*, county, rep, stdout=None) -> int:
    """The six mediations of 杏坪镇 (``rep``, the demo login's representative, mediates the
    open one as well, so that their "My mediations" is not empty). Returns how many were
    made now."""
    staff_group(TOWN_STAFF_GROUP, MEDIATION_PERMISSIONS)
    staff_group(COUNTY_STAFF_GROUP, MEDIATION_PERMISSIONS)
    town = Town.objects.get(name=TOWN)
    mediators = _mediators(town)
    receiver = mediators[0]
    station = Station.objects.filter(memberships__representative=receiver, town=town).first()
    now = timezone.now()
    made = 0
    for demo in DEMOS:
        petition = _concern(demo, receiver=receiver, station=station, actor=county)
        if Mediation.objects.filter(petition=petition).exists():
            continue
        mediation = services.mediation_open(petition=petition, actor=county)
        # The demo's history: opened some weeks ago (the services stamp "now").
        Mediation.objects.filter(pk=mediation.pk).update(
            opened_at=now - timedelta(days=demo.days_ago)
        )
        mediation.refresh_from_db()
        reps = mediators + ([rep] if not demo.outcome and rep not in mediators else [])
        services.mediator_set(mediation=mediation, representatives=reps, actor=county)
        for name, role in demo.parties:
            services.party_add(mediation=mediation, name=name, role=role, actor=county)
        for days, note in demo.sessions:
            services.session_add(
                mediation=mediation,
                held_on=timezone.localdate() - timedelta(days=days),
                place=station.name,
                representatives=mediators,
                others="双方当事人",
                note=note,
                actor=county,
            )
        if demo.outcome:
            services.mediation_close(
                mediation=mediation,
                outcome=demo.outcome,
                agreement=demo.agreement,
                actor=county,
            )
        made += 1
    if stdout is not None and made:
        stdout.write(f"Mediations: {made} in {TOWN}; {Petition.objects.count()} concerns in all.")
    return made
