"""Demo data of the five links (五联系机制) for `load_demo`: the county standing committee's
leadership (a 主任, three 副主任, a 秘书长, seven 常委会委员), the five working committees,
three professional groups matching the professional stations, the links between them, and
contacts logged this quarter and last (some links not contacted this quarter, one town with
no chairpersons' meeting member, so that the coverage page shows gaps), and a few
representatives' contacts with the people.

Every link and contact is made through ``liaison.links`` as the pages make them; the
contacts with the people earn points through the points app's receiver. A second run adds
nothing: the links and contacts are loaded once, with the leadership. Everyone here is
invented; the 主任 has a login to see their own links.
"""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.logins import COUNTY_STAFF_GROUP, DEMO_REPRESENTATIVE_NAME, staff_group
from liaison import links
from liaison.models import (
    Leader,
    Link,
    LinkKind,
    ProfessionalGroup,
    Representative,
    Station,
    StationMembership,
    Town,
    WorkingCommittee,
)

DEMO_LEADER = ("zhuren", "Zhashui-zhuren-2026")
LEADERS = [
    # (name, post)
    ("周立新", Leader.Post.DIRECTOR),
    ("吴海燕", Leader.Post.VICE_DIRECTOR),
    ("郑国平", Leader.Post.VICE_DIRECTOR),
    ("冯德明", Leader.Post.VICE_DIRECTOR),
    ("钱文斌", Leader.Post.SECRETARY_GENERAL),
    ("孙晓梅", Leader.Post.MEMBER),
    ("李振华", Leader.Post.MEMBER),
    ("何秀英", Leader.Post.MEMBER),
    ("马建军", Leader.Post.MEMBER),
    ("罗春生", Leader.Post.MEMBER),
    ("唐玉兰", Leader.Post.MEMBER),
    ("韩志刚", Leader.Post.MEMBER),
]
COMMITTEES = [
    # (name, the leaders who sit on it)
    ("法制工作委员会", ["郑国平", "孙晓梅"]),
    ("财政经济工作委员会", ["冯德明", "李振华"]),
    ("农业农村工作委员会", ["吴海燕", "何秀英", "马建军"]),
    ("社会建设工作委员会", ["钱文斌", "罗春生"]),
    ("代表工作委员会", ["周立新", "唐玉兰", "韩志刚"]),
]
GROUPS = [
    # (name, sector, the working committee linked to it)
    ("康养产业专业小组", Station.Sector.WELLNESS, "财政经济工作委员会"),
    ("卫生健康专业小组", Station.Sector.HEALTH, "社会建设工作委员会"),
    ("农业农村专业小组", Station.Sector.AGRICULTURE, "农业农村工作委员会"),
]
# Each chairpersons' meeting member's towns: every demo town but 瓦房口镇, the gap the
# coverage page shows.
TOWN_LINKS = {
    "周立新": ["乾佑街道"],
    "吴海燕": ["杏坪镇", "凤凰镇"],
    "郑国平": ["下梁镇", "小岭镇"],
    "冯德明": ["营盘镇"],
    "钱文斌": ["红岩寺镇", "曹坪镇"],
}
CONTENTS = [
    "座谈了解镇人大代表联络站建设情况",
    "电话了解代表履职和意见建议办理进展",
    "走访代表，听取对常委会工作的意见",
    "参加专业小组活动，研究专题调研安排",
    "微信沟通代表建议办前沟通情况",
]
PEOPLE_CONTENTS = [
    "院坝会听取群众对村组道路维修的意见",
    "走访农户，了解产业发展困难",
    "在联络站接待群众，解答政策问题",
]


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _leadership():
    user = get_user_model().objects.filter(username=DEMO_LEADER[0]).first()
    if user is None:
        user = get_user_model().objects.create_user(
            username=DEMO_LEADER[0], password=DEMO_LEADER[1], last_name="周", first_name="立新"
        )
    leaders = {}
    for order, (name, post) in enumerate(LEADERS):
        leaders[name], _ = Leader.objects.get_or_create(
            name=name, defaults={"post": post, "order": order}
        )
    if leaders["周立新"].user_id is None:
        leaders["周立新"].user = user
        leaders["周立新"].save(update_fields=["user"])
    committees = {}
    for order, (name, members) in enumerate(COMMITTEES):
        committees[name], _ = WorkingCommittee.objects.get_or_create(
            name=name, defaults={"order": order}
        )
        committees[name].members.add(*[leaders[m] for m in members])
    groups = {}
    for name, sector, _committee in GROUPS:
        groups[name], created = ProfessionalGroup.objects.get_or_create(
            name=name, defaults={"sector": sector}
        )
        if created:
            seated = StationMembership.objects.filter(
                station__kind=Station.Kind.PROFESSIONAL,
                station__sector=sector,
                representative__is_active=True,
            ).values_list("representative_id", flat=True)
            groups[name].representatives.add(*seated)
    return leaders, committees, groups


def _links(leaders, committees, groups, county, on: date) -> list[Link]:
    made = []
    towns = {t.name: t for t in Town.objects.all()}
    for name, town_names in TOWN_LINKS.items():
        for town in town_names:
            if town in towns:
                made.append(
                    links.link_create(
                        kind=LinkKind.DIRECTOR_TOWN,
                        from_leader=leaders[name],
                        to_town=towns[town],
                        started_on=on,
                        actor=county,
                    )
                )
    chairs = [leader for leader in leaders.values() if leader.is_chairpersons_meeting]
    members = [leader for leader in leaders.values() if not leader.is_chairpersons_meeting]
    for i, member in enumerate(members):
        made.append(
            links.link_create(
                kind=LinkKind.DIRECTOR_MEMBER,
                from_leader=chairs[i % len(chairs)],
                to_leader=member,
                started_on=on,
                actor=county,
            )
        )
    # Each standing committee member keeps in touch with 5–10 county representatives; the
    # demo representative is among the first one's.
    reps = list(
        Representative.objects.active()
        .filter(level=Representative.Level.COUNTY)
        .order_by("name", "pk")
    )
    demo_rep = next((r for r in reps if r.name == DEMO_REPRESENTATIVE_NAME), None)
    if demo_rep is not None:
        reps.remove(demo_rep)
        reps.insert(0, demo_rep)
    at = 0
    for i, member in enumerate(members):
        for rep in reps[at : at + 5 + (i * 3) % 6]:
            made.append(
                links.link_create(
                    kind=LinkKind.MEMBER_REPRESENTATIVE,
                    from_leader=member,
                    to_representative=rep,
                    started_on=on,
                    actor=county,
                )
            )
        at += 5 + (i * 3) % 6
    for name, _sector, committee in GROUPS:
        made.append(
            links.link_create(
                kind=LinkKind.COMMITTEE_GROUP,
                from_committee=committees[committee],
                to_group=groups[name],
                started_on=on,
                actor=county,
            )
        )
    return made


def _day_between(rng, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def load(*, county, rep_user=None, stdout=None) -> dict[str, int]:
    """Load the five links' demo; idempotent (links and contacts are loaded once)."""
    staff_group(
        COUNTY_STAFF_GROUP,
        {
            "liaison": {
                "leader": ["view", "add", "change"],
                "workingcommittee": ["view", "add", "change"],
                "professionalgroup": ["view", "add", "change"],
                "link": ["view", "add", "change"],
                "contactlog": ["view"],
                "linkaudit": ["view"],
            }
        },
    )
    leaders, committees, groups = _leadership()
    if Link.objects.exists():
        return {"links": Link.objects.count()}
    rng = random.Random(11)
    today = timezone.localdate()
    this_quarter = _quarter_start(today)
    last_quarter = _quarter_start(this_quarter - timedelta(days=1))
    made = _links(leaders, committees, groups, county, last_quarter - timedelta(days=30))
    contacts = 0
    for i, link in enumerate(made):
        # Most links were contacted last quarter; about two in three this quarter.
        if i % 4 != 3:
            links.contact_log(
                link=link,
                date=_day_between(rng, last_quarter, this_quarter - timedelta(days=1)),
                way=rng.choice(["symposium", "visit", "phone", "wechat", "meeting"]),
                content=rng.choice(CONTENTS),
                follow_up="",
                actor=county,
            )
            contacts += 1
        if i % 3 != 2:
            links.contact_log(
                link=link,
                date=_day_between(rng, this_quarter, today),
                way=rng.choice(["symposium", "visit", "phone", "wechat", "meeting"]),
                content=rng.choice(CONTENTS),
                follow_up="下次走访时反馈办理结果" if i % 5 == 0 else "",
                actor=county,
            )
            contacts += 1
    # A few representatives' own contacts with the people (the demo representative's too).
    people = list(
        Representative.objects.active()
        .filter(memberships__isnull=False)
        .distinct()
        .order_by("pk")[:6]
    )
    demo_rep = Representative.objects.filter(name=DEMO_REPRESENTATIVE_NAME).first()
    if demo_rep is not None and demo_rep not in people:
        people.insert(0, demo_rep)
    for rep in people:
        for _ in range(2):
            links.people_contact_log(
                representative=rep,
                date=_day_between(rng, last_quarter, today),
                way=rng.choice(["symposium", "visit", "phone"]),
                content=rng.choice(PEOPLE_CONTENTS),
                follow_up="",
                actor=rep.user or county,
            )
            contacts += 1
    counts = {"links": len(made), "contacts": contacts}
    if stdout is not None:
        stdout.write(f"Five links demo: {len(made)} links, {contacts} contacts logged.")
    return counts
