"""Synthetic data for bench/staff_pages.py: concerns with their events and ratings, and
points entries with their appeals and audit rows, spread the way a county's years spread
them. Imported only once Django is set up (the models need the app registry).

Everything is inserted with the managers' ``bulk_create`` (never raw COPY for concerns: the
lead's manager fills derived columns there), in batches, with a fixed random seed, so two
runs build the same rows.
"""

import contextlib
import random
import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from liaison.models import HandlingUnit, Representative, StaffScope, Station, Town, Village
from petitions.models import (
    OPEN_STEPS,
    Category,
    Notification,
    PersonalDataView,
    Petition,
    PetitionEvent,
    Step,
    Survey,
)
from points.models import Appeal, PointAudit, PointEntry, PointRule
from tests.points.year_end_helpers import chinese_name

BATCH = 5_000
# Numbers far above any the demo's counter hands out, so they never collide.
FIRST_TRACKING_N = 500_000
START = datetime(2024, 1, 1)
DEMO_UNIT_NAME = "柞水县交通运输局"
DEMO_UNIT_SHARE = 0.118  # of all concerns: the unit of the 11,800 at 100,000
SYNTHETIC_REPRESENTATIVES = 1_500
POINTS_AT_LARGEST = 100_000

# Concerns of one step, in percent: most closed long ago, a live queue of recent ones.
STEPS = [
    (Step.CLOSED, 71),
    (Step.REPORTED, 5),
    (Step.SUPERVISING, 7),
    (Step.ASSIGNED, 3),
    (Step.COLLECTED, 3),
    (Step.RECEIVED, 4),
    (Step.REJECTED, 5),
    (Step.MERGED, 2),
]
PETITION_MODELS = (Petition, PetitionEvent, Survey, Notification, PersonalDataView)
WITH_UNIT = {Step.CLOSED, Step.REPORTED, Step.SUPERVISING, Step.ASSIGNED}

# About sixty phrases of rural concerns. Exactly one topic holds 路灯 and a text draws two
# topics of fifty, so about 4% of concerns contain it (the search measure).
TOPICS = [
    "村口的路灯坏了半年没人修",
    "通村道路坑洼不平雨天无法通行",
    "组里的饮水管道经常停水",
    "自来水浑浊有异味",
    "医保报销手续太繁琐",
    "医保缴费标准希望再解释清楚",
    "低保评定不公开不透明",
    "低保金发放不及时",
    "垃圾清运不及时堆在河边",
    "垃圾池离住户太近气味大",
    "排水沟堵塞下雨就漫进院子",
    "雨水排水不畅淹了庄稼",
    "校车接送时间太早孩子吃不上饭",
    "校车超载存在安全隐患",
    "危房改造补助迟迟没有到位",
    "老房子墙体开裂希望鉴定危房",
    "村卫生室缺医少药",
    "养老金认证操作太难",
    "集市占道经营堵塞交通",
    "桥梁护栏损坏存在安全隐患",
    "河道采砂影响堤坝安全",
    "山体滑坡隐患需要治理",
    "农村客运班次太少出行不便",
    "快递进村只到镇上",
    "移动信号差打不通电话",
    "宽带网络经常断线",
    "土地流转费用拖欠",
    "退耕还林补助没有发放",
    "产业扶贫项目效益不好",
    "木耳大棚补贴申请没回音",
    "农产品销售渠道窄",
    "小区物业服务差",
    "小区电梯经常故障",
    "噪音扰民夜间施工",
    "养殖场污染周边环境",
    "秸秆焚烧烟雾很大",
    "公厕无人打扫",
    "学校周边交通秩序混乱",
    "幼儿园收费偏高",
    "残疾人补贴申请困难",
    "高龄补贴没有按时发",
    "临时救助标准不清楚",
    "宅基地审批时间太长",
    "不动产登记排队太久",
    "林权证办理进度慢",
    "防汛物资储备不足",
    "村务公开栏长期不更新",
    "便民服务大厅窗口太少",
    "农村电网电压不稳",
    "灌溉水渠年久失修",
]
OPENERS = ["反映：", "群众反映", "村民来电称", "居民留言：", "代表走访中收集到", "有群众提出"]
CLOSERS = [
    "希望尽快解决。",
    "请相关部门核实处理。",
    "盼望早日答复。",
    "恳请给予帮助。",
    "希望有关单位重视。",
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
RESULTS = ["已安排维修，问题已解决。", "已现场核实并答复群众。", "已纳入明年计划。"]


@contextlib.contextmanager
def stamps_kept(*models):
    """Let bulk_create keep the created_at (viewed_at) we give: auto_now_add would stamp them
    all now, and a list spread over three years is the point of the bench."""
    fields = [
        f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now_add", False)
    ]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


class World:
    """The demo's places, people and units, read once; and the running counters."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.start = timezone.make_aware(START, self.tz)
        self.towns = list(Town.objects.all())
        self.villages: dict[int, list[int]] = {}
        for v in Village.objects.all():
            self.villages.setdefault(v.town_id, []).append(v.pk)
        self.stations = list(Station.objects.filter(is_active=True))
        self.reps = list(
            Representative.objects.filter(memberships__isnull=False)
            .distinct()
            .prefetch_related("memberships")
        )
        self.categories = list(Category.objects.filter(is_active=True))
        self.plain = [c for c in self.categories if not c.is_accusation]
        self.accusations = [c for c in self.categories if c.is_accusation] or self.plain
        self.units = list(HandlingUnit.objects.filter(is_active=True))
        self.demo_unit = HandlingUnit.objects.get(name=DEMO_UNIT_NAME)
        self.other_units = [u for u in self.units if u.pk != self.demo_unit.pk]
        users = get_user_model().objects.in_bulk(
            ["xianrenda", "zhenjie", "danwei"], field_name="username"
        )
        self.county, self.town_staff, self.unit_user = (
            users["xianrenda"],
            users["zhenjie"],
            users["danwei"],
        )
        self.tracking_n = FIRST_TRACKING_N
        self.merge_targets = list(Petition.objects.values_list("pk", flat=True)[:500])
        # The pages of one concern are measured on the same synthetic concern at every size.
        self.demo_max_pk = max(self.merge_targets, default=0)
        self.concern_pk = None
        share = sum(p for s, p in STEPS if s in WITH_UNIT) / 100
        self.demo_unit_p = DEMO_UNIT_SHARE / share

    def when(self, lo: datetime, hi: datetime) -> datetime:
        return lo + (hi - lo) * self.rng.random()

    def text(self) -> str:
        a, b = self.rng.sample(TOPICS, 2)
        return f"{self.rng.choice(OPENERS)}{a}，{b}，{self.rng.choice(CLOSERS)}"


def _phone(rng) -> str:
    return f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}"


def _petition(w: World) -> tuple[Petition, list[tuple]]:
    """One concern and its three events as (kind, action, from, to, actor, at)."""
    rng = w.rng
    step = rng.choices([s for s, _ in STEPS], [p for _, p in STEPS])[0]
    recent = w.now - timedelta(days=60)
    if step in (Step.CLOSED, Step.REJECTED, Step.MERGED):
        created = w.when(w.start, w.now - timedelta(days=20))
    else:
        created = w.when(recent, w.now - timedelta(hours=2))
    channel = rng.choice(Petition.Channel.values)
    station = rng.choice(w.stations)
    rep = rng.choice(w.reps)
    town_id = station.town_id if rng.random() < 0.9 else rng.choice(w.towns).pk
    villages = w.villages.get(town_id) or [None]
    accusation = rng.random() < 0.03
    category = rng.choice(w.accusations if accusation else w.plain)
    year = timezone.localtime(created, w.tz).year
    w.tracking_n += 1
    p = Petition(
        tracking_no=f"{settings.TRACKING_PREFIX}-{year}-{w.tracking_n:06d}",
        token_hash=secrets.token_hex(32),
        channel=channel,
        step=step,
        representative=rep if channel in ("qr", "reception", "snapshot", "outreach") else None,
        station=station if channel in ("station_page", "reception") else None,
        category=category if step != Step.RECEIVED or rng.random() < 0.5 else None,
        text=w.text(),
        town_id=town_id,
        village_id=rng.choice(villages),
        level="" if step == Step.RECEIVED else rng.choice(Petition.Level.values),
        citizen_name=rng.choice(SURNAMES) + rng.choice(GIVEN) if rng.random() < 0.5 else "",
        citizen_phone=_phone(rng) if rng.random() < 0.5 else "",
        consent_at=created,
        collect_by=(created + timedelta(days=5)).date(),
        created_at=created,
    )
    c = w.county
    at = [created + timedelta(hours=h) for h in sorted(rng.uniform(1, 24 * 15) for _ in range(3))]
    if step in WITH_UNIT:
        if rng.random() < w.demo_unit_p:
            p.unit = w.demo_unit
        else:
            p.unit = rng.choice(w.other_units)
        p.assigned_at = at[0]
        p.deadline = (at[0] + timedelta(days=rng.choice([15, 20, 30]))).date()
    if accusation and rng.random() < 0.5:
        p.accused_unit = rng.choice([u for u in w.other_units if u != p.unit][:40])
    u = w.unit_user
    if step == Step.RECEIVED:
        events = [
            ("transition", "receive", "", Step.RECEIVED, None, created),
            ("reply", "reply", Step.RECEIVED, Step.RECEIVED, c, at[0]),
            ("reply", "reply", Step.RECEIVED, Step.RECEIVED, c, at[1]),
        ]
    elif step == Step.COLLECTED:
        events = [
            ("transition", "receive", "", Step.RECEIVED, None, created),
            ("transition", "collect", Step.RECEIVED, Step.COLLECTED, c, at[0]),
            ("reply", "reply", Step.COLLECTED, Step.COLLECTED, c, at[1]),
        ]
    elif step in (Step.REJECTED, Step.MERGED):
        p.rejection_reason = "不属于人大代表联络站受理范围" if step == Step.REJECTED else ""
        if step == Step.MERGED:
            p.merged_into_id = rng.choice(w.merge_targets)
        events = [
            ("transition", "receive", "", Step.RECEIVED, None, created),
            ("transition", "collect", Step.RECEIVED, Step.COLLECTED, c, at[0]),
            (
                "transition",
                "reject" if step == Step.REJECTED else "merge",
                Step.COLLECTED,
                step,
                c,
                at[1],
            ),
        ]
    elif step == Step.ASSIGNED:
        events = [
            ("transition", "receive", "", Step.RECEIVED, None, created),
            ("transition", "collect", Step.RECEIVED, Step.COLLECTED, c, at[0]),
            ("transition", "assign", Step.COLLECTED, Step.ASSIGNED, c, at[1]),
        ]
        p.assigned_at = at[1]
    elif step == Step.SUPERVISING:
        events = [
            ("transition", "assign", Step.COLLECTED, Step.ASSIGNED, c, at[0]),
            ("transition", "accept", Step.ASSIGNED, Step.SUPERVISING, u, at[1]),
        ]
        late = rng.random()
        if late < 0.3:  # overdue: the deadline passed, the nightly job gave a red card
            p.deadline = (w.now - timedelta(days=rng.randint(1, 30))).date()
            p.warning = Petition.Warning.RED
            events.append(("warning", "warning", step, step, None, w.now - timedelta(hours=6)))
        elif late < 0.45:
            p.deadline = (w.now + timedelta(days=rng.randint(0, 2))).date()
            p.warning = Petition.Warning.YELLOW
            events.append(("warning", "warning", step, step, None, w.now - timedelta(hours=6)))
        else:
            events.append(("note", "note", step, step, c, at[2]))
    else:  # reported, closed
        p.result_text = rng.choice(RESULTS)
        p.outcome = rng.choice(Petition.Outcome.values)
        p.reported_at = at[1]
        events = [
            ("transition", "accept", Step.ASSIGNED, Step.SUPERVISING, u, at[0]),
            ("transition", "report", Step.SUPERVISING, Step.REPORTED, u, at[1]),
        ]
        if step == Step.CLOSED:
            p.closed_at = at[2]
            events.append(("transition", "close", Step.REPORTED, Step.CLOSED, None, at[2]))
        else:
            events.append(("note", "note", step, step, c, at[2]))
    return p, events


def _surveys(w: World, p: Petition) -> list[Survey]:
    """Ratings of a closed concern: most rated once, some twice (reopened once)."""
    rng = w.rng
    if rng.random() < 0.1:  # closed by staff: the citizen could not be reached
        return []
    at = p.closed_at - timedelta(minutes=1)
    if rng.random() < 0.05:
        p.reopen_count = 1
        return [
            Survey(petition=p, round=1, rating="unsatisfied", created_at=at - timedelta(days=9)),
            Survey(petition=p, round=2, rating="satisfied", created_at=at),
        ]
    rating = rng.choices(["satisfied", "basically", "unsatisfied"], [75, 20, 5])[0]
    return [Survey(petition=p, round=1, rating=rating, created_at=at)]


def grow_petitions(w: World, target: int) -> int:
    """Add concerns until the database holds ``target``; returns how many were added."""
    missing = target - Petition.objects.count()
    added = 0
    while added < missing:
        n = min(BATCH, missing - added)
        rows, plans = [], []
        for _ in range(n):
            p, events = _petition(w)
            rows.append(p)
            plans.append(events)
        surveys = [s for p in rows if p.step == Step.CLOSED for s in _surveys(w, p)]
        with transaction.atomic(), stamps_kept(*PETITION_MODELS):
            Petition.objects.bulk_create(rows)
            PetitionEvent.objects.bulk_create(
                PetitionEvent(
                    petition=p,
                    kind=kind,
                    action=action,
                    from_step=from_step,
                    to_step=to_step,
                    actor=actor,
                    actor_kind=(
                        "user" if actor else "citizen" if kind == "transition" else "system"
                    )
                    if action != "close"
                    else "system",
                    is_public=kind in ("transition", "reply"),
                    created_at=at,
                )
                for p, events in zip(rows, plans, strict=True)
                for kind, action, from_step, to_step, actor, at in events
            )
            for s in surveys:
                s.petition_id = s.petition.pk
            Survey.objects.bulk_create(surveys)
            Notification.objects.bulk_create(_notifications(w, rows))
            # Staff saw the unmasked phone of a few concerns.
            PersonalDataView.objects.bulk_create(
                PersonalDataView(
                    user=w.county,
                    petition=p,
                    where="work page",
                    viewed_at=p.created_at + timedelta(days=1),
                )
                for p in rows
                if p.citizen_phone and w.rng.random() < 0.1
            )
        w.merge_targets.extend(p.pk for p in rows[:50])
        added += n
    analyze()
    return added


def _notifications(w: World, rows: list[Petition]) -> list[Notification]:
    """The notices a concern's assignment sent: to the unit (the demo unit's member, or the
    county staff standing in for the others' members), e-mailed long since."""
    found = []
    for p in rows:
        if p.unit_id is None:
            continue
        found.append(
            Notification(
                recipient=w.unit_user if p.unit_id == w.demo_unit.pk else w.county,
                petition=p,
                subject=f"新的交办诉求 {p.tracking_no}",
                created_at=p.assigned_at,
                read_at=p.assigned_at + timedelta(hours=3) if p.step == Step.CLOSED else None,
                email_status=Notification.EmailStatus.SENT,
                email_attempts=1,
                email_sent_at=p.assigned_at,
            )
        )
    return found


def describe(w: World) -> str:
    """What the concerns hold, to check the spread: the share of 路灯, of the demo unit, of
    open and overdue ones."""
    total = Petition.objects.count() or 1
    lamp = Petition.objects.filter(text__contains="路灯").count()
    unit = Petition.objects.filter(unit=w.demo_unit).count()
    open_ = Petition.objects.filter(step__in=OPEN_STEPS).count()
    red = Petition.objects.filter(warning=Petition.Warning.RED).count()
    return (
        f"  路灯 in {lamp / total:.1%}, {DEMO_UNIT_NAME} {unit:,} ({unit / total:.1%}), "
        f"open {open_ / total:.1%}, red cards {red:,}; events {PetitionEvent.objects.count():,}, "
        f"ratings {Survey.objects.count():,}, notices {Notification.objects.count():,}, "
        f"phones seen {PersonalDataView.objects.count():,}"
    )


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def station_staff(w: World):
    """A station's staff login (the demo has none): scoped to a station of 乾佑街道."""
    user, created = get_user_model().objects.get_or_create(
        username="bench_station", defaults={"is_staff": True, "last_name": "赵", "first_name": "敏"}
    )
    if created:
        station = Station.objects.filter(town=w.town_staff.staff_scope.town).first()
        StaffScope.objects.create(user=user, level=StaffScope.Level.STATION, station=station)
        user.groups.set(w.town_staff.groups.all())
    return user


# --- points ------------------------------------------------------------------------------


def synthetic_representatives() -> None:
    if Representative.objects.filter(term="第十九届（基准）").exists():
        return
    levels = [Representative.Level.COUNTY] * 3 + [Representative.Level.TOWNSHIP]
    Representative.objects.bulk_create(
        Representative(
            name=chinese_name(i),
            level=levels[i % 4],
            gender="female" if i % 2 else "male",
            term="第十九届（基准）",
        )
        for i in range(SYNTHETIC_REPRESENTATIVES)
    )


def grow_points(w: World, target: int) -> int:
    """Add points entries (claims, staff entries, entries of attendance, duty and concerns;
    pending, approved, rejected with some appealed, withdrawn) until ``target`` are held,
    each with its audit row."""
    rng = w.rng
    missing = target - PointEntry.objects.count()
    if missing <= 0:
        return 0
    reps = list(Representative.objects.values_list("pk", flat=True))
    rules = list(PointRule.objects.filter(is_active=True))
    claimable = [r for r in rules if r.claimable] or rules
    source_n = PointEntry.objects.exclude(source_id=None).count() + 1_000_000
    added = 0
    while added < missing:
        n = min(BATCH, missing - added)
        rows = []
        for _ in range(n):
            source = rng.choices(
                ["", "staff", "attendance", "duty", "petition"], [30, 20, 25, 15, 10]
            )[0]
            if source == "":
                status = rng.choices(["pending", "approved", "rejected"], [25, 60, 15])[0]
                rule = rng.choice(claimable)
            else:
                status = rng.choices(["approved", "withdrawn", "pending"], [90, 5, 5])[0]
                status = "approved" if source == "staff" and status == "withdrawn" else status
                rule = rng.choice(rules)
            source_id = None
            if source not in ("", "staff"):
                source_n += 1
                source_id = source_n
            year = rng.choice([2024, 2025, 2026])
            on = datetime(year, rng.randint(1, 12), rng.randint(1, 28)).date()
            on = min(on, w.now.date())
            reviewed = status in ("approved", "rejected") and source in ("", "staff")
            rows.append(
                PointEntry(
                    representative_id=rng.choice(reps),
                    rule=rule,
                    date=on,
                    year=on.year,
                    quantity=rng.choice([1, 1, 1, 2]),
                    points=rule.points_first,
                    description=w.text()[:60] if source == "" else "",
                    status=status,
                    reviewed_by=w.county if reviewed else None,
                    reviewed_at=w.now if reviewed else None,
                    rejection_reason="材料不足" if status == "rejected" else "",
                    source=source,
                    source_id=source_id,
                    created_by=w.county if source == "staff" else None,
                    created_at=timezone.make_aware(datetime.combine(on, time(10)), w.tz),
                )
            )
        with transaction.atomic(), stamps_kept(PointEntry, PointAudit, Appeal):
            PointEntry.objects.bulk_create(rows)
            appeals = [
                Appeal(
                    entry=e,
                    text="我有活动照片可以证明",
                    status=rng.choice(["open", "upheld", "dismissed"]),
                    created_at=e.created_at + timedelta(days=3),
                )
                for e in rows
                if e.status == "rejected" and rng.random() < 0.3
            ]
            for a in appeals:
                if a.status != "open":
                    a.answer, a.answered_by, a.answered_at = "已复核", w.county, a.created_at
            Appeal.objects.bulk_create(appeals)
            PointAudit.objects.bulk_create(
                PointAudit(
                    action="entry_created",
                    kind="entry",
                    object_id=e.pk,
                    representative_id=e.representative_id,
                    actor=e.created_by,
                    after={
                        "status": e.status,
                        "rule": e.rule.code,
                        "date": e.date.isoformat(),
                        "quantity": e.quantity,
                        "points": str(e.points),
                    },
                    created_at=e.created_at,
                )
                for e in rows
            )
        added += n
    return added
