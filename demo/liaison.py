"""The demo county's ground floor, shaped like Zhashui: 9 towns, 41 stations (22 village
points, 3 professional), about 150 representatives of the five levels, last year's star
ratings, the admin login and the demo representative's. Each row is found again by its
natural key, so a second run adds nothing.

Every person here is invented; the bios say so.
"""

import random
from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.logins import DEMO_ADMIN, DEMO_REPRESENTATIVE, DEMO_REPRESENTATIVE_NAME, login
from liaison import services
from liaison.models import (
    RatingCriterion,
    RatingScore,
    Representative,
    Station,
    StationMembership,
    StationRating,
    Town,
    Village,
)

TOWNS = [
    # (name, kind, slug stem)
    ("乾佑街道", Town.Kind.SUBDISTRICT, "qianyou"),
    ("营盘镇", Town.Kind.TOWN, "yingpan"),
    ("下梁镇", Town.Kind.TOWN, "xialiang"),
    ("小岭镇", Town.Kind.TOWN, "xiaoling"),
    ("凤凰镇", Town.Kind.TOWN, "fenghuang"),
    ("红岩寺镇", Town.Kind.TOWN, "hongyansi"),
    ("曹坪镇", Town.Kind.TOWN, "caoping"),
    ("杏坪镇", Town.Kind.TOWN, "xingping"),
    ("瓦房口镇", Town.Kind.TOWN, "wafangkou"),
]

# The stations the seed names, with their brands (一站一品牌).
NAMED_COMMUNITY_STATIONS = [
    ("乾佑街道", "仁和社区", Village.Kind.COMMUNITY, "renhe", "创新“双联双融五进”活动载体。"),
    ("乾佑街道", "石镇社区", Village.Kind.COMMUNITY, "shizhen", "坚持“三改三变”工作机制。"),
    ("下梁镇", "石瓮社区", Village.Kind.COMMUNITY, "shiweng", "创新“345”工作法。"),
    ("小岭镇", "金米村", Village.Kind.VILLAGE, "jinmi", "党建+人大代表联络站，创新“四注重”模式。"),
    (
        "营盘镇",
        "朱家湾村",
        Village.Kind.VILLAGE,
        "zhujiawan",
        "和美乡村建设示范点，代表领办民生实事。",
    ),
    (
        "杏坪镇",
        "杏坪社区",
        Village.Kind.COMMUNITY,
        "xingping-sq",
        "“人大代表+和事佬”工作法，就地化解矛盾纠纷。",
    ),
    (
        "红岩寺镇",
        "红岩寺社区",
        Village.Kind.COMMUNITY,
        "hongyansi-sq",
        "“分片包区”工作法，代表定期走访片区。",
    ),
]

PROFESSIONAL_STATIONS = [
    ("康养产业代表联络站", Station.Sector.WELLNESS, "kangyang", "营盘镇"),
    ("卫生健康代表联络站", Station.Sector.HEALTH, "weijian", "乾佑街道"),
    ("农业农村代表联络站", Station.Sector.AGRICULTURE, "nongye", "小岭镇"),
]

# 22 village-level liaison points (村(居)级联络点); the villages are invented.
POINT_VILLAGES = [
    ("乾佑街道", "老庵寺村"),
    ("乾佑街道", "马房湾村"),
    ("乾佑街道", "东甘沟村"),
    ("营盘镇", "秦丰村"),
    ("营盘镇", "北河村"),
    ("营盘镇", "药王堂村"),
    ("下梁镇", "西川村"),
    ("下梁镇", "南山村"),
    ("下梁镇", "光明村"),
    ("小岭镇", "常湾村"),
    ("小岭镇", "岭丰村"),
    ("凤凰镇", "凤凰街社区"),
    ("凤凰镇", "皂河村"),
    ("凤凰镇", "桃园村"),
    ("红岩寺镇", "红岩寺村"),
    ("红岩寺镇", "太山村"),
    ("曹坪镇", "曹坪村"),
    ("曹坪镇", "九里村"),
    ("杏坪镇", "中山村"),
    ("杏坪镇", "天星村"),
    ("瓦房口镇", "瓦房口村"),
    ("瓦房口镇", "大河村"),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = [
    "春和",
    "秋实",
    "晓峰",
    "建华",
    "玉兰",
    "海燕",
    "志强",
    "丽萍",
    "国栋",
    "文娟",
    "明远",
    "秀英",
    "德胜",
    "雪梅",
    "立新",
    "红霞",
    "宏伟",
    "桂芳",
    "振东",
    "静怡",
    "永平",
    "淑珍",
    "学军",
    "晓燕",
]
OCCUPATIONS = [
    "村党支部书记",
    "社区居委会主任",
    "种植合作社理事长",
    "乡村医生",
    "小学教师",
    "民宿经营者",
    "木耳产业园技术员",
    "镇卫生院院长",
    "个体工商户",
    "县医院医生",
    "养殖大户",
    "乡镇干部",
    "企业职工",
    "退役军人",
    "律师",
    "护林员",
]
# How many representatives of each level; about 150 in all, as in the seed.
LEVEL_COUNTS = [
    (Representative.Level.NATIONAL, 1, "第十四届"),
    (Representative.Level.PROVINCIAL, 3, "第十四届"),
    (Representative.Level.MUNICIPAL, 8, "第五届"),
    (Representative.Level.COUNTY, 84, "第十九届"),
    (Representative.Level.TOWNSHIP, 56, "第十九届"),
]
DUTY_DAYS = ["每月5日", "每月10日", "每月15日", "每月20日", "每月25日"]


def _invented_names(count):
    """Deterministic, unique invented names: surname + a given name from a fixed list."""
    names, i = [], 0
    while len(names) < count:
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7 + i // len(SURNAMES)) % len(GIVEN)]
        if name not in names:
            names.append(name)
        i += 1
    return names


def county_load() -> dict[str, Town]:
    """Load the towns, stations, representatives, ratings and the two logins; return the
    towns by name. Idempotent."""
    # One seeded generator for the seats and the scores: the same county on every machine.
    rng = random.Random(2026)
    towns = _towns()
    stations = _stations(towns)
    _representatives(stations, rng)
    _ratings(stations, rng)
    _logins()
    return towns


def _towns():
    towns = {}
    for order, (name, kind, _slug) in enumerate(TOWNS, start=1):
        towns[name], _ = Town.objects.get_or_create(
            name=name, defaults={"kind": kind, "order": order}
        )
    return towns


def _station(*, slug, **fields):
    station, _ = Station.objects.get_or_create(slug=slug, defaults=fields)
    return station


def _stations(towns):
    stations = []
    slugs = {name: slug for name, _kind, slug in TOWNS}
    for name, town in towns.items():
        stations.append(
            _station(
                slug=f"{slugs[name]}-center",
                name=f"{name}人大代表中心联络站",
                kind=Station.Kind.CENTRAL,
                town=town,
                address=f"柞水县{name}人民政府院内",
                opening_hours="工作日 8:30–12:00，14:30–17:30；每月15日为代表接待日",
                contact_phone="0914-43" + f"{10 + len(stations):02d}" + "001",
                feature="镇（街）人大代表中心联络站，统筹辖区各站点开展“六步工作法”闭环办理。",
                has_legal_service_room=True,
            )
        )
    for town_name, village_name, vkind, slug, feature in NAMED_COMMUNITY_STATIONS:
        town = towns[town_name]
        village, _ = Village.objects.get_or_create(
            town=town, name=village_name, defaults={"kind": vkind}
        )
        stations.append(
            _station(
                slug=slug,
                name=f"{town_name}{village_name}人大代表联络站",
                kind=Station.Kind.COMMUNITY,
                town=town,
                village=village,
                address=f"柞水县{town_name}{village_name}党群服务中心",
                opening_hours="每周一、三、五 9:00–12:00；每月15日为代表接待日",
                contact_phone="0914-43" + f"{20 + len(stations):02d}" + "002",
                feature=feature,
                has_legal_service_room=True,
            )
        )
    for name, sector, slug, town_name in PROFESSIONAL_STATIONS:
        stations.append(
            _station(
                slug=slug,
                name=name,
                kind=Station.Kind.PROFESSIONAL,
                sector=sector,
                town=towns[town_name],
                address=f"柞水县{town_name}",
                opening_hours="每月第一个星期三 9:00–12:00",
                contact_phone="0914-4330" + f"{len(stations):03d}",
                feature="专业代表联络站：让专业人说专业话、做专业事。",
            )
        )
    for index, (town_name, village_name) in enumerate(POINT_VILLAGES, start=1):
        town = towns[town_name]
        kind = Village.Kind.COMMUNITY if village_name.endswith("社区") else Village.Kind.VILLAGE
        village, _ = Village.objects.get_or_create(
            town=town, name=village_name, defaults={"kind": kind}
        )
        stations.append(
            _station(
                slug=f"point-{index:02d}",
                name=f"{village_name}人大代表联络点",
                kind=Station.Kind.POINT,
                town=town,
                village=village,
                address=f"柞水县{town_name}{village_name}村委会",
                opening_hours="每月接待日 9:00–12:00，其余时间可电话预约",
                contact_phone="0914-4340" + f"{index:03d}",
                feature="把“民意直通车”开到群众家门口。",
            )
        )
    return stations


def _representatives(stations, rng):
    total = sum(count for _level, count, _term in LEVEL_COUNTS)
    names = _invented_names(total)
    reps = []
    i = 0
    for level, count, term in LEVEL_COUNTS:
        for _ in range(count):
            name = names[i]
            i += 1
            if level == Representative.Level.COUNTY and DEMO_REPRESENTATIVE_NAME not in names:
                # The demo login's representative: a county deputy, the common case.
                name = names[i - 1] = DEMO_REPRESENTATIVE_NAME
            occupation = OCCUPATIONS[i % len(OCCUPATIONS)]
            rep, created = Representative.objects.get_or_create(
                name=name,
                level=level,
                term=term,
                defaults={
                    "gender": (
                        Representative.Gender.FEMALE if i % 3 == 0 else Representative.Gender.MALE
                    ),
                    "occupation": occupation,
                    "bio": (
                        f"{occupation}。本页为演示数据，姓名与履历均为虚构。"
                        "联系群众、反映民意，欢迎扫码留言。"
                    ),
                    "mobile": f"139{9000_0000 + i:08d}",
                },
            )
            if created:
                _seat(rep, stations, i, rng)
            reps.append(rep)
    return reps


def _seat(rep, stations, i, rng):
    """Every representative sits at one or two stations; each station gets a head."""
    first = stations[i % len(stations)]
    role = (
        StationMembership.Role.HEAD
        if not first.memberships.filter(role=StationMembership.Role.HEAD).exists()
        else StationMembership.Role.MEMBER
    )
    StationMembership.objects.create(
        station=first,
        representative=rep,
        role=role,
        duty_hours=f"{DUTY_DAYS[i % len(DUTY_DAYS)]} 9:00–12:00",
    )
    if rng.random() < 0.3:
        second = stations[(i * 7 + 3) % len(stations)]
        if second != first:
            StationMembership.objects.get_or_create(
                station=second,
                representative=rep,
                defaults={"duty_hours": f"{DUTY_DAYS[(i + 2) % len(DUTY_DAYS)]} 14:30–17:00"},
            )


def _ratings(stations, rng):
    year = timezone.localdate().year - 1
    criteria = list(RatingCriterion.objects.filter(is_active=True))
    for station in stations:
        rating, created = StationRating.objects.get_or_create(
            station=station,
            year=year,
            defaults={"rated_on": date(year, 12, 20), "notes": "年度星级评选（演示数据）"},
        )
        if not created:
            continue
        # Central stations tend to be better equipped than the newest village points.
        base = {"central": 0.85, "community": 0.8, "professional": 0.78, "point": 0.65}[
            station.kind
        ]
        RatingScore.objects.bulk_create(
            RatingScore(
                rating=rating,
                criterion=c,
                score=max(
                    0,
                    min(c.max_score, round(c.max_score * rng.uniform(base - 0.2, base + 0.2))),
                ),
            )
            for c in criteria
        )
        services.station_rating_recompute(rating=rating)


def _logins() -> None:
    """The admin (a superuser) and the demo representative's login."""
    User = get_user_model()
    username, password = DEMO_ADMIN
    if not User.objects.filter(username=username).exists():
        User.objects.create_superuser(username=username, password=password, email="")
    user = login(DEMO_REPRESENTATIVE)
    rep = Representative.objects.get(name=DEMO_REPRESENTATIVE_NAME)
    if rep.user_id is None:
        rep.user = user
        rep.save(update_fields=["user"])
