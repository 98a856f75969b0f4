"""Demo performance points (履职积分) for `load_demo`: last year's and this year's congress
activities with their attendance lists, duty days at stations with their rosters, claims by
the demo representative 柳春和 (approved, pending, one rejected and appealed), then last
year's year-end report, published.

Every point here comes from ``points.services`` (attendance_sync, duty_shift_sync,
petition_sync, point_entry_claim / approve / reject, point_entry_appeal, appeal_answer), exactly as
the admin and the representatives' pages make them; nothing sets points by hand. Each
activity, duty day, shift and claim is found again by its natural key, so a second run adds
nothing. Everyone here is invented.
"""

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from demo.logins import COUNTY_STAFF_GROUP, TOWN_STAFF_GROUP, staff_group
from liaison.models import Activity, DutyDay, DutyShift, Representative, Station, StationMembership
from petitions.models import Petition
from petitions.photos import clean_photo
from points import publication, reports, services
from points.models import Attendance, PointEntry, Publication, ReportRun

K = Activity.Kind
ORGANISER = "柞水县人大常委会"
# Who attends: every county representative, or a rotating share of them.
ALL = 0


@dataclass(frozen=True)
class DemoActivity:
    """``when``: a (month, day) of last year, or for this year the share of the days gone
    so far (0 = 1 January, 1 = today), so that this year's activities are always past."""

    kind: str
    title: str
    when: tuple[int, int] | float
    place: str
    attendees: int = ALL


LAST_YEAR = [
    DemoActivity(K.SESSION, "柞水县第十九届人民代表大会第五次会议", (1, 8), "县会议中心"),
    # An extraordinary session (临时会议): the second session of the year.
    DemoActivity(K.SESSION, "柞水县第十九届人民代表大会第六次会议", (8, 26), "县会议中心"),
    DemoActivity(
        K.STANDING_MEETING,
        "县人大常委会第十八次会议（代表列席）",
        (2, 27),
        "县人大常委会会议室",
        8,
    ),
    DemoActivity(
        K.STANDING_MEETING,
        "县人大常委会第十九次会议（代表列席）",
        (4, 24),
        "县人大常委会会议室",
        8,
    ),
    DemoActivity(
        K.STANDING_MEETING,
        "县人大常委会第二十次会议（代表列席）",
        (6, 26),
        "县人大常委会会议室",
        8,
    ),
    DemoActivity(
        K.STANDING_MEETING,
        "县人大常委会第二十一次会议（代表列席）",
        (10, 30),
        "县人大常委会会议室",
        8,
    ),
    DemoActivity(K.LECTURE, "人大讲堂：代表法与代表依法履职", (3, 15), "县委党校报告厅", 20),
    DemoActivity(K.LECTURE, "人大讲堂：预算审查监督实务", (10, 18), "县委党校报告厅", 20),
    DemoActivity(K.INSPECTION, "视察调研：木耳产业发展情况", (5, 12), "小岭镇金米村", 10),
    DemoActivity(
        K.LAW_CHECK, "执法检查：道路交通安全法贯彻实施情况", (7, 14), "全县各镇（街道）", 10
    ),
    DemoActivity(K.DIRECTOR_RECEPTION, "主任接待代表日", (4, 10), "县人大常委会接待室", 8),
    DemoActivity(K.FACE_TO_FACE, "代表·局长面对面：城乡交通出行", (6, 5), "县人大常委会会议室", 10),
    DemoActivity(K.BRIEFING, "县政府向代表通报上半年工作", (7, 28), "县会议中心", 15),
]
THIS_YEAR = [
    DemoActivity(K.SESSION, "柞水县第十九届人民代表大会第七次会议", 0.05, "县会议中心"),
    DemoActivity(
        K.STANDING_MEETING, "县人大常委会第二十二次会议（代表列席）", 0.2, "县人大常委会会议室", 10
    ),
    DemoActivity(K.LECTURE, "人大讲堂：乡村振兴促进法解读", 0.3, "县委党校报告厅", 20),
    DemoActivity(K.DIRECTOR_RECEPTION, "主任接待代表日", 0.4, "县人大常委会接待室", 8),
    DemoActivity(K.INSPECTION, "视察调研：农村饮水安全工程", 0.5, "凤凰镇、杏坪镇", 12),
    DemoActivity(
        K.FACE_TO_FACE, "代表·局长面对面：教育资源均衡配置", 0.6, "县人大常委会会议室", 12
    ),
    DemoActivity(K.LAW_CHECK, "执法检查：食品安全法贯彻实施情况", 0.7, "县城及各镇集贸市场", 8),
    DemoActivity(K.BRIEFING, "县法院、县检察院向代表通报工作", 0.85, "县会议中心", 20),
]
EXCUSES = ["因公出差，已书面请假", "住院治疗，已请假", "参加市人大培训，已请假"]
# Kinds 柳春和 attends, besides the sessions; one lecture he missed with leave.
DEMO_REP_KINDS = {K.STANDING_MEETING, K.LECTURE, K.INSPECTION, K.FACE_TO_FACE, K.BRIEFING}
DEMO_REP_EXCUSED = "人大讲堂：预算审查监督实务"

# The demo representative's own claims: (year offset, when, rule, description, then).
# ``then``: "approve", "pending", "reject", or "reject+upheld" (appealed, appeal upheld).
CLAIMS = [
    (-1, (1, 9), "proposal", "领衔提出《关于加快农村公路安全防护设施建设的建议》", "approve"),
    (-1, (1, 9), "proposal", "领衔提出《关于延长城乡公交末班车运营时间的建议》", "approve"),
    (-1, (1, 9), "cosign", "附议《关于建设村级木耳冷链仓储设施的建议》", "approve"),
    (-1, (3, 12), "deed", "组织本村二十余名群众参加义务植树", "reject+upheld"),
    (-1, (5, 20), "deed", "协调修复村口塌陷路面，动员群众投工投劳", "approve"),
    (-1, (9, 3), "deed", "调解两户村民宅基地边界纠纷", "approve"),
    (-1, (12, 10), "report", "在仁和社区人大代表联络站向选民述职", "approve"),
    (0, 0.05, "proposal", "领衔提出《关于增设通组公路错车道的建议》", "approve"),
    (0, 0.06, "cosign", "附议《关于增加镇卫生院儿科医生的建议》", "pending"),
    (0, 0.5, "deed", "组织志愿者清理河道建筑垃圾", "pending"),
    (0, 0.6, "report", "在社区微信群发布年度履职情况", "reject"),
]
REJECTIONS = {
    "组织本村二十余名群众参加义务植树": "一般公益活动请补充本人组织群众参与的材料。",
    "在社区微信群发布年度履职情况": "述职应在联络站面向选民进行，微信群发布不计入。",
}
APPEALS = {
    "组织本村二十余名群众参加义务植树": (
        "活动由我组织并带领群众参加，已补充签到表和现场照片。",
        "经核实签到表和照片，认定为组织群众开展公益活动，予以计分。",
    ),
    "在社区微信群发布年度履职情况": (
        "本村群众多在外务工，线上述职后又在联络站集中述职一次，附现场照片。",
        None,  # still open: staff answer it in the administration
    ),
}
# Other representatives' claims, for a ranking with some spread: (rule, description).
OTHER_CLAIMS = [
    ("proposal", "领衔提出《关于改善镇村客运班线的建议》"),
    ("deed", "组织村民修缮山区便民桥"),
    ("report", "在联络站向选民报告履职情况"),
    ("deed", "帮助困难群众申请临时救助"),
    ("proposal", "领衔提出《关于扶持中药材种植的建议》"),
    ("report", "在村民大会上报告履职情况"),
]

# Last year began before the portal counted points: county staff entered each county
# representative's paper tallies at year end (source "staff", quantity = times), beside the
# activities above, whose attendance lists were entered in full. (rule, description, times)
PAPER_TALLIES = [
    ("meeting", "列席县人大常委会会议及其他会议（纸质台账补录）", (3, 5)),
    ("training", "参加代表培训（纸质台账补录）", (2, 3)),
    ("inspection", "参加镇（街道）人大组织的视察调研（纸质台账补录）", (2, 3)),
    ("duty", "进站接待选民（纸质台账补录）", (3, 6)),
    ("proposal", "领衔提出建议（县人大常委会登记）", (2, 4)),
    ("cosign", "附议建议（县人大常委会登记）", (2, 3)),
    ("report", "向选民报告履职情况（纸质台账补录）", (1, 1)),
    ("deed", "为民办实事（纸质台账补录）", (3, 5)),
]

# The points staff work with in the administration.
TOWN_POINTS_PERMISSIONS = {
    "points": {
        "attendance": ["view"],
        "pointentry": ["view"],
        "appeal": ["view"],
        "pointrule": ["view"],
        "pointaudit": ["view"],
    },
    # Duty rosters and activities live in liaison; staff keep them with the points work.
    "liaison": {
        "activity": ["view"],
        "dutyday": ["view", "add", "change"],
        "dutyshift": ["view", "add", "change"],
    },
}
COUNTY_POINTS_PERMISSIONS = {
    "points": {
        "attendance": ["view", "add", "change"],
        "pointentry": ["view", "add", "change"],
        "appeal": ["view", "change"],
        "pointrule": ["view", "add", "change"],
        "categorycap": ["view"],
        "gradeband": ["view"],
        "reportrun": ["view", "add"],
        "annualreport": ["view"],
        "publication": ["view", "add"],
        "pointaudit": ["view"],
    },
    "liaison": {
        **{model: ["view", "add", "change"] for model in ("activity", "dutyday", "dutyshift")},
    },
}


class PointsDemo:
    def __init__(self, *, rep: Representative, rep_user, county, stdout=None):
        self.rep, self.rep_user, self.county = rep, rep_user, county
        self.stdout = stdout
        self.today = timezone.localdate()
        self.this_year = self.today.year
        self.last_year = self.this_year - 1
        self.rng = random.Random(2025)
        self.county_reps = list(
            Representative.objects.active().filter(level=Representative.Level.COUNTY).order_by("pk")
        )
        # The invented representative who missed both of last year's sessions without
        # leave: the year-end report flags the seat (代表法 Art. 62).
        self.absent_twice = next(r for r in reversed(self.county_reps) if r.pk != rep.pk)

    def load(self) -> dict[str, int]:
        self._permissions()
        before = PointEntry.objects.count()
        for year, activities in ((self.last_year, LAST_YEAR), (self.this_year, THIS_YEAR)):
            for index, demo in enumerate(activities):
                self._activity(year, index, demo)
        self._duty_days()
        self._paper_tallies()
        self._claims()
        self._other_claims()
        # Concerns that reached a result before the points module existed (or were loaded
        # without it) earn their entries now; re-syncing one already counted changes nothing.
        for petition in Petition.objects.filter(representative__isnull=False):
            services.petition_sync(petition=petition)
        self._year_end_report()
        added = PointEntry.objects.count() - before
        self._say(
            f"Points demo: {Activity.objects.count()} activities, "
            f"{DutyDay.objects.count()} duty days, {PointEntry.objects.count()} point entries "
            f"({added} new)."
        )
        return {"entries": added}

    # --- when -------------------------------------------------------------------------------

    def _date(self, year: int, when) -> date:
        if isinstance(when, tuple):
            return date(year, *when)
        start = date(year, 1, 1)
        return start + timedelta(days=round((self.today - start).days * when))

    # --- activities and attendance ------------------------------------------------------------

    def _activity(self, year: int, index: int, demo: DemoActivity) -> None:
        activity = Activity.objects.filter(
            kind=demo.kind, title=demo.title, date__year=year
        ).first()
        if activity is not None:
            return
        activity = Activity.objects.create(
            kind=demo.kind,
            title=demo.title,
            date=self._date(year, demo.when),
            place=demo.place,
            organiser=ORGANISER,
        )
        # The list as staff enter it in the admin (every row at once), then each row's entry.
        attendances = []
        for rep in self._attendees(year, index, demo):
            status, excuse, approved = self._attendance_of(rep, activity)
            attendances.append(
                Attendance(
                    activity=activity,
                    representative=rep,
                    status=status,
                    excuse=excuse,
                    excuse_approved=approved,
                    approved_by=self.county if approved else None,
                )
            )
        for attendance in Attendance.objects.bulk_create(attendances):
            services.attendance_sync(attendance=attendance)

    def _attendees(self, year, index, demo) -> list[Representative]:
        if demo.attendees == ALL:
            return self.county_reps
        others = [r for r in self.county_reps if r.pk != self.rep.pk]
        start = (index * 11 + year) % len(others)
        chosen = [others[(start + i) % len(others)] for i in range(demo.attendees)]
        if demo.kind in DEMO_REP_KINDS:
            chosen[0] = self.rep
        return chosen

    def _attendance_of(self, rep, activity) -> tuple[str, str, bool]:
        S = Attendance.Status
        if (
            activity.kind == K.SESSION
            and activity.date.year == self.last_year
            and rep.pk == self.absent_twice.pk
        ):
            return S.ABSENT, "", False
        if rep.pk == self.rep.pk:
            if activity.title == DEMO_REP_EXCUSED:
                return S.EXCUSED, EXCUSES[0], True
            return S.PRESENT, "", False
        roll = self.rng.random()
        if roll < 0.07:
            return S.EXCUSED, EXCUSES[int(roll * 100) % len(EXCUSES)], True
        if roll < 0.09:
            # Unexcused: a deduction for sessions and meetings, nothing for the rest.
            return S.ABSENT, "", False
        return S.PRESENT, "", False

    # --- duty days --------------------------------------------------------------------------

    def _duty_days(self) -> None:
        """The 15th of the month: 柳春和's own station every month (last year every other
        month), three town central stations every quarter; past days served, the next two
        planned."""
        own = (
            StationMembership.objects.filter(representative=self.rep)
            .select_related("station")
            .order_by("pk")
            .first()
            .station
        )
        # Three of the town central stations; the others' duty days are in the paper tallies.
        centrals = list(
            Station.objects.active().filter(kind=Station.Kind.CENTRAL).order_by("pk")[:3]
        )
        days: list[tuple[Station, date]] = []
        days += [(own, date(self.last_year, m, 15)) for m in range(2, 13, 2)]
        days += [(own, date(self.this_year, m, 15)) for m in range(1, 13)]
        days += [(own, date(self.this_year + 1, m, 15)) for m in (1, 2)]
        for station in centrals:
            for year in (self.last_year, self.this_year):
                days += [(station, date(year, m, 15)) for m in (3, 6, 9, 12)]
        upcoming = sorted({d for _s, d in days if d > self.today})[:2]
        for k, (station, on) in enumerate(days):
            if on > self.today and on not in upcoming:
                continue
            self._duty_day(station, on, k, own=station.pk == own.pk)

    def _duty_day(self, station, on, k, *, own) -> None:
        day, created = DutyDay.objects.get_or_create(
            station=station, date=on, defaults={"hours": "9:00–12:00"}
        )
        if not created:
            return
        members = list(
            Representative.objects.active()
            .filter(memberships__station=station)
            .exclude(pk=self.rep.pk)
            .order_by("pk")
        )
        roster = [self.rep] if own else []
        roster += [members[(k + i) % len(members)] for i in range(min(2, len(members)))]
        past = on <= self.today
        for i, rep in enumerate(dict.fromkeys(roster)):
            # Now and then someone on the roster did not come.
            served = past and (rep.pk == self.rep.pk or (k + i) % 9 != 4)
            shift = DutyShift.objects.create(duty_day=day, representative=rep, served=served)
            services.duty_shift_sync(shift=shift)

    # --- last year's paper tallies ------------------------------------------------------------

    def _paper_tallies(self) -> None:
        year = self.last_year
        if PointEntry.objects.filter(year=year, source=PointEntry.Source.STAFF).exists():
            return
        rules = services.rules_for_year(year)
        on = date(year, 12, 31)
        rng = random.Random(year)
        for rep in self.county_reps:
            if rep.pk == self.rep.pk:
                continue  # 柳春和's year is recorded item by item above
            # How active this representative was: most fairly, a few very, a few hardly.
            kinds = 1 if rep.pk == self.absent_twice.pk else 2 + round(rng.betavariate(3, 2) * 5)
            for code, description, (low, high) in rng.sample(PAPER_TALLIES, kinds):
                services.point_entry_create(
                    representative=rep,
                    rule=rules[code],
                    on=on,
                    quantity=rng.randint(low, high),
                    description=description,
                    source=PointEntry.Source.STAFF,
                    status=PointEntry.Status.APPROVED,
                    actor=self.county,
                )

    # --- claims -----------------------------------------------------------------------------

    def _claims(self) -> None:
        for offset, when, code, description, then in CLAIMS:
            year = self.this_year + offset
            entry = self._claim(self.rep, self.rep_user, code, self._date(year, when), description)
            if entry is None:
                continue
            if then == "approve":
                services.point_entry_approve(entry=entry, actor=self.county)
            elif then.startswith("reject"):
                services.point_entry_reject(
                    entry=entry, actor=self.county, reason=REJECTIONS[description]
                )
                entry.refresh_from_db()
                text, answer = APPEALS[description]
                appeal = services.point_entry_appeal(entry=entry, actor=self.rep_user, text=text)
                if answer:
                    services.appeal_answer(
                        appeal=appeal, actor=self.county, uphold=True, answer=answer
                    )

    def _other_claims(self) -> None:
        others = [r for r in self.county_reps if r.pk not in (self.rep.pk, self.absent_twice.pk)]
        for i, (code, description) in enumerate(OTHER_CLAIMS):
            rep = others[(i * 7 + 3) % len(others)]
            for year in (self.last_year, self.this_year):
                on = (
                    self._date(year, (4 + i, 10))
                    if year == self.last_year
                    else self._date(year, 0.1 * (i + 1))
                )
                # Entered by staff from the representative's paper form.
                entry = self._claim(rep, self.county, code, on, description)
                if entry is not None:
                    services.point_entry_approve(entry=entry, actor=self.county)

    def _claim(self, rep, actor, code, on, description) -> PointEntry | None:
        """The claim made through the service, unless this run or an earlier one made it
        (this year's dates move with the day the demo is loaded: the key is the year)."""
        if PointEntry.objects.filter(
            representative=rep, rule__code=code, year=on.year, description=description
        ).exists():
            return None
        return services.point_entry_claim(
            representative=rep,
            rule=services.rule_for(code, on.year),
            on=on,
            quantity=1,
            description=description,
            evidence=ContentFile(_evidence_photo(description), name="evidence.jpg"),
            actor=actor,
        )

    # --- staff ------------------------------------------------------------------------------

    def _permissions(self) -> None:
        staff_group(TOWN_STAFF_GROUP, TOWN_POINTS_PERMISSIONS)
        staff_group(COUNTY_STAFF_GROUP, COUNTY_POINTS_PERMISSIONS)

    # --- the year-end report --------------------------------------------------------------------

    def _year_end_report(self) -> None:
        """Build last year's reports and publish the year, once."""
        year = self.last_year
        runs = ReportRun.objects.filter(year=year).exclude(status=ReportRun.Status.FAILED)
        if not runs.exists():
            try:
                # The build's tasks start when load_demo's transaction commits; with tasks
                # in process (make run) they have finished before the publication below.
                reports.annual_report_build(year=year, started_by=self.county)
            except reports.ReportRunRefused as refused:
                self._say(f"Year-end reports of {year} not started: {refused.message}")
        if not Publication.objects.filter(year=year).exists():
            # Registered after the build's own callback, so it runs after it.
            transaction.on_commit(lambda: self._publish(year))

    def _publish(self, year: int) -> None:
        if not ReportRun.objects.filter(year=year, status=ReportRun.Status.DONE).exists():
            self._say(
                f"The year {year} is not published yet: its reports are still being built "
                "(or failed). Publish it in the administration once they are done, or run "
                "load_demo again."
            )
            return
        try:
            publication.year_publish(year=year, actor=self.county)
        except services.PointsError as error:
            self._say(f"The year {year} is not published: {error.message}")
        else:
            self._say(f"Year-end reports of {year} built and published.")

    def _say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)


def _evidence_photo(key: str) -> bytes:
    """An invented photo of the activity: a meeting room, a banner, people; cleaned like
    any upload."""
    image = Image.new("RGB", (800, 600), (235, 228, 215))
    draw = ImageDraw.Draw(image)
    shade = 90 + sum(key.encode()) % 120
    draw.rectangle([60, 40, 740, 130], fill=(180, 20, 30))
    for i in range(6):
        x = 90 + i * 110
        draw.ellipse([x, 300, x + 60, 360], fill=(shade, 110, 80))
        draw.rectangle([x - 10, 360, x + 70, 520], fill=(40, 60, shade))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return clean_photo(buffer.getvalue())


def load(*, rep, rep_user, county, stdout=None) -> dict[str, int]:
    """Load the points demo; idempotent."""
    return PointsDemo(rep=rep, rep_user=rep_user, county=county, stdout=stdout).load()
