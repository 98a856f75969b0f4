"""Demo concerns for `load_demo`: handling units, the unit and staff logins and about forty
petitions in every step, channel and closing outcome, some overdue, some reopened after
不满意.

Every petition is made and moved only through ``petitions.workflow`` (and the two
representative services that call it), exactly as the portal's users would. Each has a
fixed one-time key, so a second run finds it and changes nothing.
"""

import io
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image, ImageDraw

from demo.concerns import DEMO_UNIT_NAME, DEMOS, RATINGS, REPORTS, Demo
from demo.logins import (
    COUNTY_STAFF_GROUP,
    DEMO_ADMIN,
    DEMO_COUNTY_STAFF,
    DEMO_REPRESENTATIVE_NAME,
    DEMO_TOWN_STAFF,
    DEMO_UNIT,
    TOWN_STAFF_GROUP,
    give_name,
    login,
    staff_group,
)
from liaison.models import HandlingUnit, Representative, StaffScope, Station, Town
from petitions import escalation, services, workflow
from petitions.deadlines import Calendar
from petitions.models import Category, Petition, Reception
from petitions.photos import clean_photo

DEMO_STAFF_TOWN = "乾佑街道"

COUNTY_DEPARTMENTS = [
    DEMO_UNIT_NAME,
    "柞水县住房和城乡建设局",
    "柞水县农业农村局",
    "柞水县卫生健康局",
    "柞水县教育体育和科技局",
    "柞水县人力资源和社会保障局",
    "柞水县民政局",
    "柞水县自然资源局",
    "商洛市生态环境局柞水分局",
    "柞水县水利局",
    "柞水县市场监督管理局",
    "柞水县公安局",
    "柞水县文化和旅游广电局",
]
# 一府两院: the county government, court and procuratorate.
COUNTY_BODIES = [
    ("柞水县人民政府", HandlingUnit.Kind.GOVERNMENT),
    ("柞水县人民法院", HandlingUnit.Kind.COURT),
    ("柞水县人民检察院", HandlingUnit.Kind.PROCURATORATE),
]

# Who may look at what in the administration. Step changes never come from these: the
# admin shows petitions read-only and its buttons lead to the workflow's own forms.
TOWN_STAFF_PERMISSIONS = {
    "petitions": {
        "petition": ["view", "change"],
        "reception": ["view", "change"],
        "survey": ["view"],
        "petitionevent": ["view"],
        "petitionphoto": ["view"],
        "resultattachment": ["view"],
        "notification": ["view"],
        "category": ["view"],
        "calendarday": ["view"],
    },
    "liaison": {
        "town": ["view"],
        "village": ["view"],
        "station": ["view"],
        "representative": ["view"],
        "stationmembership": ["view"],
        "stationrating": ["view"],
        "handlingunit": ["view"],
    },
}
COUNTY_STAFF_PERMISSIONS = {
    "petitions": {
        **TOWN_STAFF_PERMISSIONS["petitions"],
        "category": ["view", "change", "add"],
        "calendarday": ["view", "change", "add", "delete"],
        "personaldataview": ["view"],
    },
    "liaison": {
        **TOWN_STAFF_PERMISSIONS["liaison"],
        # County staff keep the county's lists, and load them from spreadsheets (README,
        # "Loading the real county"): an import adds and changes rows.
        "town": ["view", "change", "add"],
        "village": ["view", "change", "add"],
        "station": ["view", "change", "add"],
        "representative": ["view", "change", "add"],
        "stationmembership": ["view", "change", "add"],
        "stationrating": ["view", "change", "add"],
        "ratingscore": ["view", "change", "add"],
        "handlingunit": ["view", "change", "add"],
        "staffscope": ["view"],
        # Who was shown a representative's full mobile (only county staff are).
        "mobileview": ["view"],
    },
}


def handling_units(towns: dict[str, Town]) -> dict[str, HandlingUnit]:
    """Each town government, the county departments and the 一府两院."""
    units = {}
    for name, town in towns.items():
        unit_name = f"{name}办事处" if town.kind == Town.Kind.SUBDISTRICT else f"{name}人民政府"
        units[unit_name], _ = HandlingUnit.objects.get_or_create(
            name=unit_name, defaults={"kind": HandlingUnit.Kind.TOWN_GOVERNMENT, "town": town}
        )
    for name in COUNTY_DEPARTMENTS:
        units[name], _ = HandlingUnit.objects.get_or_create(
            name=name, defaults={"kind": HandlingUnit.Kind.COUNTY_DEPARTMENT}
        )
    for name, kind in COUNTY_BODIES:
        units[name], _ = HandlingUnit.objects.get_or_create(name=name, defaults={"kind": kind})
    return units


def town_government(units, town: Town) -> HandlingUnit:
    return next(u for u in units.values() if u.town_id == town.pk)


def staff_scope(user, level, town=None) -> None:
    StaffScope.objects.get_or_create(user=user, defaults={"level": level, "town": town})


def staff_logins(towns: dict[str, Town]) -> dict:
    """The unit, town-staff and county-staff logins; the admin is county staff too."""
    town_group = staff_group(TOWN_STAFF_GROUP, TOWN_STAFF_PERMISSIONS)
    county_group = staff_group(COUNTY_STAFF_GROUP, COUNTY_STAFF_PERMISSIONS)
    admin = get_user_model().objects.get(username=DEMO_ADMIN[0])
    give_name(admin)
    staff_scope(admin, StaffScope.Level.COUNTY)

    town_staff = login(DEMO_TOWN_STAFF, is_staff=True)
    staff_scope(town_staff, StaffScope.Level.TOWN, towns[DEMO_STAFF_TOWN])
    town_staff.groups.add(town_group)

    county = login(DEMO_COUNTY_STAFF, is_staff=True)
    staff_scope(county, StaffScope.Level.COUNTY)
    county.groups.add(county_group)

    unit_user = login(DEMO_UNIT)
    HandlingUnit.objects.get(name=DEMO_UNIT_NAME).members.add(unit_user)

    rep = Representative.objects.get(name=DEMO_REPRESENTATIVE_NAME)
    return {
        "rep": rep,
        "rep_user": rep.user,
        "county": county,
        "town_staff": town_staff,
        "unit_user": unit_user,
    }


class PetitionDemo:
    """Runs the demo concerns through the workflow as the demo users would."""

    def __init__(self, *, rep: Representative, rep_user, county, town_staff, unit_user, units):
        self.rep, self.rep_user = rep, rep_user
        self.county, self.town_staff, self.unit_user = county, town_staff, unit_user
        self.units = units
        self.made: dict[str, Petition] = {}
        self.categories = {c.name: c for c in Category.objects.all()}
        self.today = timezone.localdate()
        self.staff_town = Town.objects.get(name=DEMO_STAFF_TOWN)
        self.others = list(
            Representative.objects.active()
            .filter(level=Representative.Level.COUNTY, memberships__isnull=False)
            .exclude(pk=rep.pk)
            .distinct()
            .order_by("pk")[:10]
        )

    def load(self) -> int:
        created = 0
        for demo in DEMOS:
            petition, new = self._receive(demo)
            self.made[demo.key] = petition
            if new:
                created += 1
                self._run(demo, petition)
        # The overdue job, as its beat schedule would run it.
        services.petitions_mark_warnings()
        return created

    # --- arrival ------------------------------------------------------------------------

    def _receive(self, demo: Demo) -> tuple[Petition, bool]:
        key = uuid.uuid5(uuid.NAMESPACE_URL, f"zhashui-demo-petition:{demo.key}")
        name, phone = demo.citizen
        category = self.categories[demo.category]
        if demo.channel == Petition.Channel.RECEPTION:
            reception, _token, created = services.reception_record(
                representative=self.rep,
                station=self._rep_station(self.rep),
                actor=self.rep_user,
                text=demo.text,
                category=category,
                citizen_name=name,
                citizen_phone=phone,
                consent=bool(name or phone),
                checklist=Reception.CHECKLIST,
                submit_key=key,
            )
            return reception.petition, created
        if demo.channel == Petition.Channel.SNAPSHOT:
            return services.snapshot_create(
                representative=self.rep,
                actor=self.rep_user,
                text=demo.text,
                photos=[_demo_photo(demo.key)],
                submit_key=key,
            )
        fields = {}
        kind, _sep, ref = demo.source.partition(":")
        if kind == "me":
            fields = {"representative": self.rep, "station": self._rep_station(self.rep)}
        elif kind == "rep":
            other = self.others[(int(ref) - 1) % len(self.others)]
            fields = {"representative": other, "station": self._rep_station(other)}
        elif kind == "station":
            fields = {"station": Station.objects.get(slug=ref)}
        else:
            fields = {"town": Town.objects.get(name=ref)}
        petition, _token, created = services.petition_receive(
            channel=demo.channel,
            text=demo.text,
            category=category,
            citizen_name=name,
            citizen_phone=phone,
            consent=bool(name or phone),
            submit_key=key,
            # Staff type in what came by phone, letter, the 12345 hotline, at the petition hall
            # or at an activity.
            actor=None
            if demo.channel in (Petition.Channel.QR, Petition.Channel.STATION_PAGE)
            else self.county,
            **fields,
        )
        return petition, created

    @staticmethod
    def _rep_station(rep):
        return rep.memberships.select_related("station").order_by("pk").first().station

    # --- who acts -----------------------------------------------------------------------

    def _in_staff_town(self, p: Petition) -> bool:
        return p.town_id == self.staff_town.pk or (
            p.station_id is not None and p.station.town_id == self.staff_town.pk
        )

    def _collector(self, p):
        if p.representative_id == self.rep.pk:
            return self.rep_user
        return self.town_staff if self._in_staff_town(p) else self.county

    def _congress_staff(self, p):
        return self.town_staff if self._in_staff_town(p) else self.county

    def _assigner(self, p):
        if p.level == Petition.Level.TOWN and p.town_id == self.staff_town.pk:
            return self.town_staff
        return self.county

    def _unit_member(self, p):
        """The demo unit login for its own unit; county staff record other units' paper
        replies (the workflow lets county staff report for a unit)."""
        return self.unit_user if p.unit.members.filter(pk=self.unit_user.pk).exists() else None

    def _caller(self, p):
        return self.rep_user if p.representative_id == self.rep.pk else self.county

    # --- what happened --------------------------------------------------------------------

    def _unit_for(self, demo, p, name=None):
        name = name or demo.unit
        return town_government(self.units, p.town) if name == "town" else self.units[name]

    def _run(self, demo: Demo, p: Petition) -> None:
        for op in demo.ops.split():
            verb, _sep, arg = op.partition(":")
            p.refresh_from_db()
            if verb == "collect":
                workflow.petition_collect(
                    petition=p,
                    actor=self._collector(p),
                    category=self.categories[demo.category],
                    level=demo.level,
                    note="已核实情况，按分级交办办理。",
                )
            elif verb == "reject":
                workflow.petition_reject(
                    petition=p,
                    actor=self._collector(p),
                    reason="所反映事项不属于人大代表联络站受理范围。",
                    guidance="可通过法定途径办理：依法向有关部门或人民法院提出申请。",
                )
            elif verb == "merge":
                workflow.petition_merge(
                    petition=p, actor=self._congress_staff(p), into=self.made[arg]
                )
            elif verb == "assign":
                self._assign(demo, p, arg)
            elif verb == "accept":
                workflow.petition_accept(petition=p, actor=self.unit_user)
            elif verb == "return":
                workflow.petition_return(
                    petition=p,
                    actor=self.unit_user,
                    reason="充电设施建设由住房和城乡建设部门负责，请改派。",
                )
            elif verb == "note":
                workflow.petition_add_note(
                    petition=p, actor=self._collector(p), note="已到现场查看，急弯处确无防护设施。"
                )
            elif verb == "remind":
                workflow.petition_remind(
                    petition=p, actor=self._collector(p), note="请抓紧制定整改方案并反馈进度。"
                )
            elif verb == "reply":
                workflow.petition_reply(
                    petition=p,
                    actor=self._collector(p),
                    text="您反映的问题已交县交通运输局办理，我们会跟踪督办。",
                )
            elif verb == "extend":
                # The unit asks, county staff approve (issue 9: no direct extension).
                escalation.petition_request_extension(
                    petition=p,
                    actor=self._unit_member(p),
                    days=20,
                    reason="桥梁检测需委托有资质的机构，检测周期较长。",
                )
                escalation.petition_approve_extension(petition=p, actor=self.county)
            elif verb == "report":
                workflow.petition_report(
                    petition=p,
                    actor=self._unit_member(p) or self.county,
                    result=REPORTS[arg],
                    outcome=arg,
                )
            elif verb == "rate":
                workflow.petition_survey(petition=p, rating=arg, comment=RATINGS[arg])
            elif verb == "call":
                workflow.petition_survey(
                    petition=p, rating=arg, comment=RATINGS[arg], actor=self._caller(p)
                )
            elif verb == "close":
                workflow.petition_close(
                    petition=p, actor=self.county, note="多次电话联系群众未接通，按规定办结。"
                )
            else:  # pragma: no cover - a typo in DEMOS
                raise ValueError(f"Unknown demo step {op!r}")
        p.refresh_from_db()
        if demo.due == "red" and p.deadline is not None:
            # Demo data only: a fresh assignment cannot be overdue, so its stored deadline
            # is moved into the past to show what the overdue job and the red card do.
            self._move_deadline(p, self.today - timedelta(days=4))

    def _assign(self, demo, p, unit_name):
        deadline = None
        if demo.due == "yellow":
            deadline = self.today + timedelta(days=1)
        workflow.petition_assign(
            petition=p,
            actor=self._assigner(p),
            unit=self._unit_for(demo, p, unit_name or None),
            deadline=deadline,
            note="请按期办理并反馈结果。",
        )
        if demo.due == "yellow":
            p.refresh_from_db()
            if (p.deadline - self.today).days > settings.PETITION_WARNING_DAYS:
                # Demo data only: a long holiday pushed the deadline out of the yellow
                # window; bring it back so the yellow card shows on any day.
                self._move_deadline(p, self.today + timedelta(days=1))

    @staticmethod
    def _move_deadline(p, deadline):
        """Demo data only: set a deadline, marked estimated or not as the workflow would."""
        Petition.objects.filter(pk=p.pk).update(
            deadline=deadline, deadline_estimated=Calendar.from_db().is_estimated(deadline)
        )


def _demo_photo(key: str) -> bytes:
    """An invented 随手拍 photo: a road, a barrier and the sky, cleaned like any upload."""
    image = Image.new("RGB", (960, 720), (150, 190, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 420, 960, 720], fill=(95, 95, 95))
    draw.polygon([(380, 720), (580, 720), (500, 420), (460, 420)], fill=(230, 230, 230))
    shade = 60 + (sum(key.encode()) % 80)
    draw.rectangle([40, 300, 340, 430], fill=(shade, 120, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return clean_photo(buffer.getvalue())
