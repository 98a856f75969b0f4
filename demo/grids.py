"""Demo grids (issue #11): 乾佑街道's "人大代表+联络站+网格" (four grids over its communities
and villages, each looked after by two or three of its representatives and one or two 议政代表)
and 红岩寺镇's 分片包区 area; a few concerns from grid villages, some marked 微实事.

Every person here is invented; the deputies' mobile numbers are left empty. Idempotent: a
grid, a deputy or a concern that exists is left as it is.
"""

import uuid

from django.db.models import Q

from demo.logins import (
    COUNTY_STAFF_GROUP,
    DEMO_REPRESENTATIVE_NAME,
    TOWN_STAFF_GROUP,
    staff_group,
)
from liaison.grids import deputy_save, grid_save
from liaison.models import Deputy, Grid, Representative, Station, Town, Village
from petitions import services, workflow
from petitions.models import Category, Petition

# (town, grid, station slug, villages, deputies (name, post), description)
GRIDS = [
    (
        "乾佑街道",
        "仁和社区网格",
        "renhe",
        ["仁和社区", "园林社区"],
        [("何晓雯", "仁和社区居委会委员"), ("罗建平", "退休教师")],
        "人大代表+联络站+网格：代表和议政代表下沉网格，收集民意、解决群众身边的微实事。",
    ),
    (
        "乾佑街道",
        "石镇社区网格",
        "shizhen",
        ["石镇社区", "营镇社区"],
        [("宋德明", "石镇社区网格员")],
        "坚持“三改三变”，网格内的小事不出网格。",
    ),
    (
        "乾佑街道",
        "老庵寺片网格",
        "point-01",
        ["老庵寺村", "马房湾村"],
        [("梁玉芬", "老庵寺村妇联主席")],
        "代表定期入户走访，矛盾纠纷就地化解。",
    ),
    (
        "乾佑街道",
        "东甘沟片网格",
        "point-03",
        ["东甘沟村"],
        [("韩志勇", "东甘沟村监委会主任"), ("唐秀兰", "致富带头人")],
        "产业发展和人居环境问题在网格内收集、在网格内解决。",
    ),
    (
        "红岩寺镇",
        "红岩寺片区（分片包区）",
        "hongyansi-sq",
        ["红岩寺社区", "红岩寺村", "太山村"],
        [],
        "分片包区：镇人大代表按片区包联，定期走访片区群众。",
    ),
]

# (key, village, channel, text, category, micro matter)
CONCERNS = [
    (
        "g1",
        "仁和社区",
        Petition.Channel.PHONE,
        "仁和社区3号楼前的路灯坏了半个月，晚上老人出门不方便。",
        "住房建设",
        True,
    ),
    (
        "g2",
        "园林社区",
        Petition.Channel.PHONE,
        "小区门口的垃圾桶满了没人清运，气味很大。",
        "环境卫生",
        False,
    ),
    (
        "g3",
        "石镇社区",
        Petition.Channel.PHONE,
        "社区小广场的健身器材松动，担心孩子玩耍时受伤。",
        "住房建设",
        True,
    ),
    (
        "g4",
        "马房湾村",
        Petition.Channel.PHONE,
        "村里通组道路有一段水泥面塌陷，雨天积水。",
        "道路交通",
        False,
    ),
    (
        "g5",
        "太山村",
        Petition.Channel.PHONE,
        "村口小桥的护栏缺了一截，希望尽快补上。",
        "道路交通",
        True,
    ),
]

# Town staff keep their town's grids and deputies, county staff every town's (the admin
# scopes the rows: liaison/grid_admin.py); both read the audit rows.
GRID_PERMISSIONS = {
    "liaison": {
        "grid": ["view", "add", "change"],
        "deputy": ["view", "add", "change"],
        "gridaudit": ["view"],
    }
}


def load(*, county, town_staff) -> int:
    """Load the grids, their deputies and the grid concerns; return how many grids were
    created. ``county`` and ``town_staff`` (乾佑街道) are the demo logins who act."""
    for group in (TOWN_STAFF_GROUP, COUNTY_STAFF_GROUP):
        staff_group(group, GRID_PERMISSIONS)
    created = 0
    for index, (town_name, name, slug, village_names, deputies, description) in enumerate(GRIDS):
        town = Town.objects.get(name=town_name)
        if Grid.objects.filter(town=town, name=name).exists():
            continue
        actor = town_staff if town_name == "乾佑街道" else county
        villages = [_village(town, v) for v in village_names]
        grid_save(
            grid=Grid(
                town=town,
                name=name,
                station=Station.objects.filter(slug=slug).first(),
                description=description,
                contact_phone=f"0914-43{index + 61:02d}005",
            ),
            villages=villages,
            representatives=_representatives(town, index),
            deputies=[_deputy(town, n, post, actor) for n, post in deputies],
            actor=actor,
        )
        created += 1
    _concerns(county=county, town_staff=town_staff)
    return created


def _village(town, name) -> Village:
    kind = Village.Kind.COMMUNITY if name.endswith("社区") else Village.Kind.VILLAGE
    village, _ = Village.objects.get_or_create(town=town, name=name, defaults={"kind": kind})
    return village


def _representatives(town, index) -> list:
    """Two or three active representatives seated at the town's stations (the demo
    representative 柳春和 also looks after 仁和社区网格, so the demo login sees a grid's
    concerns in the task list)."""
    local = list(
        Representative.objects.active()
        .filter(memberships__station__town=town)
        .exclude(name=DEMO_REPRESENTATIVE_NAME)
        .distinct()
        .order_by("name", "pk")
    )
    count = 3 if index % 2 == 0 else 2
    start = (index * 3) % max(len(local), 1)
    chosen = (local[start:] + local[:start])[:count]
    if index == 0:
        chosen.append(Representative.objects.get(name=DEMO_REPRESENTATIVE_NAME))
    return chosen


def _deputy(town, name, post, actor) -> Deputy:
    deputy = Deputy.objects.filter(town=town, name=name).first()
    if deputy is None:
        deputy = deputy_save(deputy=Deputy(town=town, name=name, occupation=post), actor=actor)
    return deputy


def _concerns(*, county, town_staff) -> None:
    categories = {c.name: c for c in Category.objects.all()}
    for key, village_name, channel, text, category, micro in CONCERNS:
        village = Village.objects.filter(Q(grids__isnull=False), name=village_name).first()
        petition, _token, created = services.petition_receive(
            channel=channel,
            text=text,
            village=village,
            town=village.town,
            consent=False,
            submit_key=uuid.uuid5(uuid.NAMESPACE_URL, f"zhashui-demo-grid-concern:{key}"),
            entered_by=town_staff if village.town.name == "乾佑街道" else county,
        )
        if not created or not micro:
            continue
        # Solved within the grid: collected as a town-level matter and marked 微实事.
        actor = town_staff if village.town.name == "乾佑街道" else county
        workflow.petition_collect(
            petition=petition,
            actor=actor,
            category=categories[category],
            level=Petition.Level.TOWN,
            village=village,
            note="网格代表已到现场查看，协调社区当场处理。",
        )
        petition.refresh_from_db()
        workflow.petition_mark_micro_matter(
            petition=petition, actor=actor, is_micro_matter=True, was=False
        )
