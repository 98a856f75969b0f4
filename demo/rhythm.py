"""Demo rhythm (接待日–活动月–主题季–行动年) for `load_demo`: this year's action year, the
seed's "推进基层治理·共建和美乡村" 主题活动, four theme seasons and twelve activity months,
saved through ``liaison.rhythm`` as county staff would (a second run changes nothing)."""

from django.utils import timezone

from liaison import rhythm

YEAR_THEME = (
    "推进基层治理·共建和美乡村",
    "主题活动：以联络站点为平台、以专题活动为载体，推动解决群众普遍关注的热点难点问题。",
)
SEASONS = [
    ("人居环境整治季", "聚焦村容村貌、垃圾污水治理和农村道路。"),
    ("产业发展助农季", "聚焦木耳、茶叶等特色产业和群众增收。"),
    ("民生实事落实季", "聚焦饮水安全、医疗养老和托育服务。"),
    ("基层治理提升季", "聚焦矛盾纠纷化解、平安建设和法治宣传。"),
]
MONTHS = [
    "代表集中学习月",
    "春耕备耕走访月",
    "村容村貌随手拍月",
    "饮水安全调研月",
    "防汛安全巡查月",
    "特色产业走访月",
    "道路交通安全宣传月",
    "民生实事督办月",
    "助学关爱走访月",
    "养老服务调研月",
    "矛盾纠纷排查月",
    "年度履职述职月",
]


def load(*, county) -> int:
    """This year's themes; returns the number of changes (0 on a second run)."""
    entries = {("year", None): YEAR_THEME}
    for number, (title, description) in enumerate(SEASONS, start=1):
        entries[("quarter", number)] = (title, description)
    for number, title in enumerate(MONTHS, start=1):
        entries[("month", number)] = (title, "")
    return rhythm.theme_year_save(year=timezone.localdate().year, entries=entries, actor=county)
