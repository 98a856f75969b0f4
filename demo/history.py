"""Last year's concerns for `load_demo` (issue #14): 28 concerns received over LAST calendar
year at the central stations of 乾佑街道 and 营盘镇, each carried through the six steps to its
end, so that last year's public boards (``petitions/boards.py``) show all three shares for
those two towns, their two stations and 柞水县交通运输局 (at least ``PUBLIC_BOARD_MIN_SAMPLE``
outcomes, results reported against a deadline and ratings each), and last year's star ratings
(``measures/ratings.py``, 五成效 from the records) have something to measure.

A believable mix: mostly solved and satisfied, some answered but not solved, two referred
elsewhere, four reported after their deadline, three rated 不满意 and handled again (one of
them three times, closed with its 不满意 kept), one closed without a rating.

Every concern comes in through ``petitions.services`` and moves only through the workflow,
which stamps today's time. Demo data only: each step's rows (the concern's events, ratings,
notices and SMS) are then dated back to the day the script gives it, in order, with a
queryset update, and the concern gets last year's tracking number, its deadlines and times
(this year's counter is set back to where it was). Nobody here is real; the mobiles are in
the demo's invented range. Each concern has a fixed key: a second run adds nothing.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone

from demo.concerns import DEMO_UNIT_NAME, RATINGS, REPORTS
from demo.logins import DEMO_TOWN_STAFF, DEMO_UNIT
from liaison.models import HandlingUnit, Station, Village
from petitions import services, workflow
from petitions.deadlines import Calendar
from petitions.models import (
    Category,
    Notification,
    Petition,
    PetitionEvent,
    Sms,
    Step,
    Survey,
    TrackingCounter,
)
from petitions.tracking import next_tracking_no

# The two central stations. 乾佑街道 is the demo town staff's town: its staff collect there,
# assign its town-level concerns and record ratings after a call; county staff do it for 营盘镇.
QIANYOU, YINGPAN = "qianyou-center", "yingpan-center"
C = Petition.Channel


@dataclass(frozen=True)
class History:
    """One of last year's concerns. ``on``: "month-day" received; ``unit``: a unit's name,
    or "town" for the town government (a town-level concern); ``days``: the deadline staff
    gave, counted from the assignment; ``took``: the days the unit took to report the first
    time (more than ``days``: late); ``ops``: the workflow steps after receipt."""

    key: str
    station: str
    on: str
    channel: str
    category: str
    text: str
    ops: str
    unit: str = DEMO_UNIT_NAME
    village: str = ""
    days: int = 30
    took: int = 18
    citizen: tuple[str, str] = ("", "")


ROADS = "collect assign accept"  # 柞水县交通运输局's own login acknowledges its concerns
HANDLED = "collect assign"
SOLVED = "report:solved rate:satisfied"

# fmt: off
HISTORY = [
    # --- 乾佑街道's central station ---
    History("q01", QIANYOU, "1-8", C.STATION_PAGE, "道路交通",
            "城区滨河路人行道地砖松动翘起，老人晚上散步容易绊倒，希望尽快修整。",
            f"{ROADS} {SOLVED}"),
    History("q02", QIANYOU, "2-19", C.PHONE, "环境卫生",
            "老庵寺村河道边堆放的生活垃圾一直没人清理，天热以后蚊蝇很多。",
            f"{HANDLED} {SOLVED}", unit="town", village="老庵寺村", days=20, took=9),
    History("q03", QIANYOU, "3-5", C.STATION_PAGE, "道路交通",
            "城区到老庵寺村的公交车站没有站牌和候车亭，群众只能站在路边等车。",
            f"{ROADS} report:solved rate:basically", took=25),
    History("q04", QIANYOU, "3-26", C.STATION_PAGE, "住房建设",
            "仁和社区老旧小区屋面防水层老化，顶楼住户一下雨家里就漏水。",
            f"{HANDLED} report:answered rate:basically", unit="柞水县住房和城乡建设局",
            village="仁和社区", days=45, took=40),
    History("q05", QIANYOU, "4-14", C.STATION_PAGE, "道路交通",
            "乾佑河大桥桥头路口没有信号灯，早晚上下班车辆和行人混行，险情不断。",
            f"{ROADS} remind {SOLVED}", took=41),
    History("q06", QIANYOU, "5-9", C.PHONE, "社会保障",
            "石镇社区的老年助餐点饭菜涨价了，独居老人吃不起，希望社区协调。",
            f"{HANDLED} {SOLVED}", unit="town", village="石镇社区", days=20, took=12),
    History("q07", QIANYOU, "5-27", C.STATION_PAGE, "道路交通",
            "马房湾村通村公路的路肩被雨水冲刷塌陷，会车时很危险。",
            f"{ROADS} report:answered rate:unsatisfied {SOLVED}", village="马房湾村", took=20),
    History("q08", QIANYOU, "6-17", C.STATION_PAGE, "医疗卫生",
            "社区卫生服务站夏天没有空调，老人排队候诊时热得头晕。",
            f"{HANDLED} report:solved call:satisfied", unit="柞水县卫生健康局", took=15,
            citizen=("高秀梅", "13700000211")),
    History("q09", QIANYOU, "7-8", C.STATION_PAGE, "环境卫生",
            "东甘沟村公共厕所的化粪池满溢，污水流到路面上，气味难闻。",
            f"{HANDLED} {SOLVED}", unit="town", village="东甘沟村", days=15, took=6),
    History("q10", QIANYOU, "7-29", C.PHONE, "道路交通",
            "街道夜市占用机动车道摆摊，收摊后垃圾遍地，车辆通行困难。",
            f"{HANDLED} remind report:answered rate:basically", unit="town", days=20,
            took=27),
    History("q11", QIANYOU, "8-19", C.STATION_PAGE, "道路交通",
            "城区学校周边的减速带和警示标志缺失，希望开学前补齐。",
            f"{ROADS} {SOLVED}", days=20, took=10),
    History("q12", QIANYOU, "9-9", C.STATION_PAGE, "住房建设",
            "小区电梯经常停运，物业说维修资金申请不下来，住户上下楼很困难。",
            f"{HANDLED} report:solved call:basically", unit="柞水县住房和城乡建设局",
            days=45, took=35, citizen=("罗建华", "13700000212")),
    History("q13", QIANYOU, "9-28", C.STATION_PAGE, "其他",
            "街道广场舞音响声音太大，晚上十点以后还在放，影响周边居民休息。",
            f"{HANDLED} report:referred rate:basically", unit="town", days=20, took=8),
    History("q14", QIANYOU, "10-20", C.STATION_PAGE, "道路交通",
            "城区公交线路调整以后，东甘沟村方向的班次少了一半，出行很不方便。",
            f"{ROADS} report:solved close", took=22),
    # --- 营盘镇's central station ---
    History("y01", YINGPAN, "1-15", C.STATION_PAGE, "道路交通",
            "朱家湾村到镇上的通村公路冬天结冰，坡陡弯急，希望撒防滑料、设警示牌。",
            f"{ROADS} {SOLVED}", village="朱家湾村", days=15, took=5),
    History("y02", YINGPAN, "2-26", C.PHONE, "农业农村",
            "秦丰村的灌溉渠年久失修，多处渗漏，希望春灌前修好。",
            f"{HANDLED} report:solved call:satisfied", unit="柞水县水利局", village="秦丰村",
            took=24, citizen=("马春燕", "13700000213")),
    History("y03", YINGPAN, "3-12", C.STATION_PAGE, "产业发展",
            "北河村的木耳晾晒场地不够，希望协调一块集体用地。",
            f"{HANDLED} report:answered rate:basically", unit="town", village="北河村",
            took=26),
    History("y04", YINGPAN, "4-2", C.STATION_PAGE, "道路交通",
            "镇区通往景区的公路节假日堵车严重，希望增设临时停车场并安排疏导。",
            f"{ROADS} report:answered rate:unsatisfied report:answered rate:unsatisfied "
            "report:answered rate:unsatisfied", took=28),
    History("y05", YINGPAN, "4-23", C.STATION_PAGE, "道路交通",
            "药王堂村的公交车只在早上发一班，村民看病、赶集很不方便。",
            f"{ROADS} {SOLVED}", village="药王堂村", took=21),
    History("y06", YINGPAN, "5-16", C.PHONE, "环境卫生",
            "镇区污水管网没有接到新建的安置小区，生活污水直接排进河道。",
            f"{HANDLED} remind {SOLVED}", unit="town", took=37),
    History("y07", YINGPAN, "6-5", C.STATION_PAGE, "道路交通",
            "朱家湾村民宿集中的地方停车位不够，游客的车乱停，把村道都堵住了。",
            f"{HANDLED} {SOLVED}", unit="town", village="朱家湾村", days=20, took=14),
    History("y08", YINGPAN, "6-24", C.STATION_PAGE, "道路交通",
            "汛期过后北河村段公路边坡常有落石，过往车辆提心吊胆。",
            f"{ROADS} {SOLVED}", village="北河村", days=20, took=12),
    History("y09", YINGPAN, "7-15", C.STATION_PAGE, "教育",
            "镇中心小学旁边的河堤没有护栏，学生放学常到河边玩水，家长很担心。",
            f"{HANDLED} {SOLVED}", unit="town", days=20, took=11),
    History("y10", YINGPAN, "8-5", C.STATION_PAGE, "道路交通",
            "秦丰村桥头到村委会的路面坑洼不平，农用车经常陷进去。",
            f"{ROADS} report:solved rate:unsatisfied {SOLVED}", village="秦丰村", took=19),
    History("y11", YINGPAN, "8-26", C.PHONE, "医疗卫生",
            "镇卫生院晚上没有急诊，夜里得了急病只能往县城送。",
            f"{HANDLED} report:answered call:basically", unit="柞水县卫生健康局", took=29,
            citizen=("邓志刚", "13700000214")),
    History("y12", YINGPAN, "9-16", C.STATION_PAGE, "道路交通",
            "旅游旺季镇区主街上大货车和游客车辆混行，希望大货车限时通行。",
            f"{ROADS} remind report:solved rate:basically", days=20, took=26),
    History("y13", YINGPAN, "10-14", C.STATION_PAGE, "农业农村",
            "药王堂村种中药材的农户反映收购价压得太低，希望引进加工企业。",
            f"{HANDLED} report:referred rate:basically", unit="柞水县农业农村局",
            village="药王堂村", took=20),
    History("y14", YINGPAN, "11-4", C.STATION_PAGE, "道路交通",
            "北河村入口的限高杆被撞歪了，大车改走村里的小路，压坏了路面。",
            f"{ROADS} {SOLVED}", village="北河村", days=20, took=9),
]
# fmt: on

# Days after the step before (the first report: after the assignment, ``took``).
GAPS = {"collect": 1, "assign": 1, "accept": 1, "report": 12, "rate": 3, "call": 2, "close": 10}


def _key(h: History) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"zhashui-demo-history:{h.key}")


class _Loader:
    def __init__(self, county):
        users = get_user_model().objects
        self.county = county
        self.town_staff = users.get(username=DEMO_TOWN_STAFF[0])
        self.unit_user = users.get(username=DEMO_UNIT[0])
        self.year = timezone.localdate().year - 1
        self.calendar = Calendar.from_db()
        self.categories = {c.name: c for c in Category.objects.all()}
        self.stations = {s.slug: s for s in Station.objects.filter(slug__in=(QIANYOU, YINGPAN))}
        self.units = {u.name: u for u in HandlingUnit.objects.all()}

    # --- who acts ---------------------------------------------------------------------------

    def _staff(self, h: History):
        return self.town_staff if h.station == QIANYOU else self.county

    def _unit(self, p: Petition, h: History) -> HandlingUnit:
        if h.unit == "town":
            return next(u for u in self.units.values() if u.town_id == p.town_id)
        return self.units[h.unit]

    # --- one concern ------------------------------------------------------------------------

    def _at(self, day: date, rng) -> datetime:
        hour, minute = 8 + rng.randint(0, 8), rng.randint(0, 59)
        return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))

    def load_one(self, h: History) -> bool:
        rng = random.Random(h.key)
        month, day = (int(n) for n in h.on.split("-"))
        received = self._at(date(self.year, month, day), rng)
        name, phone = h.citizen
        station = self.stations[h.station]
        start = timezone.now()
        p, _token, created = services.petition_receive(
            channel=h.channel,
            text=h.text,
            station=station,
            category=self.categories[h.category],
            citizen_name=name,
            citizen_phone=phone,
            consent=bool(phone),
            submit_key=_key(h),
            # The station's page is the citizen's own; a call is typed in by staff.
            actor=None if h.channel == C.STATION_PAGE else self._staff(h),
        )
        if not created:
            return False
        old_no = p.tracking_no
        _backdate(p, start, received)
        when, times = received, {"assigned": None, "deadline": None, "reported": None}
        closed = None
        for op in h.ops.split():
            verb, _sep, arg = op.partition(":")
            when = self._when(verb, h, when, times, rng)
            start = timezone.now()
            p.refresh_from_db()
            self._do(verb, arg, p, h)
            _backdate(p, start, when)
            p.refresh_from_db()
            if verb == "assign":
                times["assigned"] = when
                times["deadline"] = self.calendar.next_working_day(
                    when.date() + timedelta(days=h.days)
                )
            elif verb == "report":
                times["reported"] = when
            elif p.step == Step.SUPERVISING and verb in ("rate", "call"):
                # 不满意: back with the unit, a new deadline from the rating's day.
                times["deadline"] = self.calendar.add_days(
                    when.date(), settings.PETITION_REOPEN_DAYS
                )
            if p.step == Step.CLOSED and closed is None:
                closed = when
        deadline = times["deadline"]
        collect_by = self.calendar.add_days(received.date(), settings.PETITION_COLLECT_DAYS)
        new_no = next_tracking_no(self.year)
        Petition.objects.filter(pk=p.pk).update(
            tracking_no=new_no,
            created_at=received,
            received_on=received.date(),
            consent_at=received if phone else None,
            collect_by=collect_by,
            collect_by_estimated=self.calendar.is_estimated(collect_by),
            assigned_at=times["assigned"],
            deadline=deadline,
            deadline_estimated=self.calendar.is_estimated(deadline),
            reported_at=times["reported"],
            closed_at=closed,
            updated_at=when,
        )
        Notification.objects.filter(petition=p).update(
            subject=Replace("subject", Value(old_no), Value(new_no))
        )
        return True

    def _when(self, verb, h, before, times, rng) -> datetime:
        if verb == "report" and times["reported"] is None:
            day = times["assigned"].date() + timedelta(days=h.took)
        elif verb == "remind":
            # The red card's reminder: the day after the deadline passed.
            day = times["deadline"] + timedelta(days=1)
        else:
            day = before.date() + timedelta(days=GAPS[verb] + rng.randint(0, 1))
        at = self._at(day, rng)
        return at if at > before else before + timedelta(hours=2)

    def _do(self, verb, arg, p, h) -> None:
        if verb == "collect":
            village = Village.objects.get(town_id=p.town_id, name=h.village) if h.village else None
            workflow.petition_collect(
                petition=p,
                actor=self._staff(h),
                category=self.categories[h.category],
                level=Petition.Level.TOWN if h.unit == "town" else Petition.Level.COUNTY,
                village=village,
                note="已核实情况，按分级交办办理。",
            )
        elif verb == "assign":
            workflow.petition_assign(
                petition=p,
                actor=self._staff(h) if h.unit == "town" else self.county,
                unit=self._unit(p, h),
                note="请按期办理并反馈结果。",
            )
        elif verb == "accept":
            workflow.petition_accept(petition=p, actor=self.unit_user)
        elif verb == "remind":
            workflow.petition_remind(
                petition=p, actor=self._staff(h), note="已超过办理期限，请抓紧办理并反馈结果。"
            )
        elif verb == "report":
            mine = h.unit == DEMO_UNIT_NAME
            workflow.petition_report(
                petition=p,
                actor=self.unit_user if mine else self.county,
                result=REPORTS[arg],
                outcome=arg,
            )
        elif verb == "rate":
            workflow.petition_survey(petition=p, rating=arg, comment=RATINGS[arg])
        elif verb == "call":
            workflow.petition_survey(
                petition=p, rating=arg, comment=RATINGS[arg], actor=self._staff(h)
            )
        elif verb == "close":
            workflow.petition_close(
                petition=p, actor=self.county, note="多次电话联系群众未接通，按规定办结。"
            )
        else:  # pragma: no cover - a typo in HISTORY
            raise ValueError(f"Unknown demo step {verb!r}")


def _backdate(p: Petition, start: datetime, when: datetime) -> None:
    """Demo data only: the rows one step wrote just now (since ``start``) get the step's day
    last year; last year's notices were read then, its SMS and e-mails went out then."""
    PetitionEvent.objects.filter(petition=p, created_at__gte=start).update(created_at=when)
    Survey.objects.filter(petition=p, created_at__gte=start).update(created_at=when)
    notices = Notification.objects.filter(petition=p, created_at__gte=start)
    notices.filter(email_status=Notification.EmailStatus.PENDING).update(
        email_status=Notification.EmailStatus.SENT, email_sent_at=when
    )
    notices.update(created_at=when, read_at=when + timedelta(hours=2))
    Sms.objects.filter(petition=p, created_at__gte=start).update(
        created_at=when, status=Sms.Status.SENT, sent_at=when
    )


def load(*, county, stdout=None) -> int:
    """Last year's concerns at the two towns' central stations; returns how many were
    added (none on a second run)."""
    done = set(
        Petition.objects.filter(submit_key__in=[_key(h) for h in HISTORY]).values_list(
            "submit_key", flat=True
        )
    )
    todo = [h for h in HISTORY if _key(h) not in done]
    if not todo:
        return 0
    this_year = timezone.localdate().year
    counter = TrackingCounter.objects.filter(year=this_year).values_list("last", flat=True).first()
    loader = _Loader(county)
    # In the order they were received, so last year's tracking numbers follow the dates.
    todo.sort(key=lambda h: tuple(int(n) for n in h.on.split("-")))
    added = sum(loader.load_one(h) for h in todo)
    # Demo data only: the workflow numbered them in this year's sequence before they got
    # last year's; this year's counter goes back to its last real number.
    if counter is None:
        TrackingCounter.objects.filter(year=this_year).delete()
    else:
        TrackingCounter.objects.filter(year=this_year).update(last=counter)
    if stdout is not None:
        stdout.write(
            f"Last year's history: {added} concerns at the central stations of 乾佑街道 and "
            f"营盘镇; {Petition.objects.count()} concerns in all."
        )
    return added
