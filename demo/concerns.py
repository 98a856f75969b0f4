"""The demo's forty concerns as scripts: where each came from, what the citizen wrote, and
what happened to it since (``ops``), with the words units report and citizens rate with.
Pure data: ``demo/petitions.py`` runs them through the workflow."""

from dataclasses import dataclass

from petitions.models import Petition

DEMO_UNIT_NAME = "柞水县交通运输局"


@dataclass(frozen=True)
class Demo:
    """One demo concern: where it came from and what happened to it so far.

    ``source``: "me" (the demo representative 柳春和), "rep:N" (the N-th other county
    representative), "station:<slug>" or "town:<name>". ``ops``: the workflow steps taken,
    in order (see ``_run``). ``unit``: a unit's name, or "town" for the town government.
    ``due``: "yellow" (deadline within the warning days) or "red" (deadline passed).
    """

    key: str
    channel: str
    source: str
    category: str
    text: str
    ops: str = ""
    level: str = Petition.Level.COUNTY
    unit: str = DEMO_UNIT_NAME
    due: str = ""
    citizen: tuple[str, str] = ("", "")


C = Petition.Channel
TOWN = Petition.Level.TOWN

DEMOS = [
    # --- received: waiting to be collected ---
    Demo(
        "d01",
        C.QR,
        "me",
        "道路交通",
        "村口到镇上的水泥路有几处塌陷，雨天积水，学生上学要绕远路，希望尽快修补。",
        citizen=("王秀兰", "13700000101"),
    ),
    Demo(
        "d02",
        C.QR,
        "me",
        "环境卫生",
        "小区后面的垃圾收集点三四天才清运一次，夏天气味很大，希望增加清运次数。",
    ),
    Demo(
        "d03",
        C.STATION_PAGE,
        "station:renhe",
        "社会保障",
        "我母亲今年满八十岁，高龄补贴一直没有到账，不知道该找哪个部门办理。",
        citizen=("陈建国", "13700000103"),
    ),
    Demo(
        "d04",
        C.SNAPSHOT,
        "me",
        "道路交通",
        "河道边的护栏被洪水冲毁约二十米，紧邻群众散步的步道，存在安全隐患。",
    ),
    Demo(
        "d05",
        C.RECEPTION,
        "me",
        "医疗卫生",
        "村卫生室只有一名村医，上午看病排队时间长，希望镇卫生院定期派医生下村坐诊。",
        citizen=("刘桂芳", "13700000105"),
    ),
    Demo(
        "d06",
        C.PETITION_HALL,
        "town:凤凰镇",
        "矛盾纠纷",
        "与邻居因宅基地边界发生纠纷，村里调解两次未果，希望得到法律帮助。",
        citizen=("赵德胜", "13700000106"),
    ),
    # --- collected: classified, waiting to be assigned ---
    Demo(
        "d07",
        C.QR,
        "rep:1",
        "产业发展",
        "木耳大棚配套的冷库容量不够，旺季时鲜木耳来不及储存，希望扶持建设村级冷库。",
        "collect",
    ),
    Demo(
        "d08",
        C.OUTREACH,
        "town:小岭镇",
        "农业农村",
        "山上的灌溉水管老化漏水，地里浇不上水，影响今年的核桃和板栗收成。",
        "collect",
        level=TOWN,
    ),
    Demo(
        "d09",
        C.ACTIVITY,
        "town:乾佑街道",
        "教育",
        "城区小学放学时段校门口车辆拥堵，建议设置临时停车区，并在高峰时段安排交警疏导。",
        "collect",
    ),
    Demo(
        "d10",
        C.PHONE,
        "town:营盘镇",
        "住房建设",
        "老旧小区楼道灯损坏多处，晚上老人上下楼不方便，物业迟迟不修。",
        "collect",
        level=TOWN,
        citizen=("孙玉兰", "13700000110"),
    ),
    # --- assigned: with the unit, not yet acknowledged ---
    Demo(
        "d11",
        C.QR,
        "me",
        "道路交通",
        "镇上通往高速入口的路段没有限速标志，大货车车速很快，过路群众很害怕。",
        "collect assign",
    ),
    Demo(
        "d12",
        C.QR,
        "me",
        "道路交通",
        "公交车末班车时间太早，下午五点以后进城务工的人就回不了村，希望延长运营时间。",
        "collect assign",
        due="red",
        citizen=("周志强", "13700000112"),
    ),
    Demo(
        "d13",
        C.STATION_PAGE,
        "station:qianyou-center",
        "道路交通",
        "街道主干道的斑马线磨损得看不清了，老人和孩子过马路很危险。",
        "collect assign",
        due="yellow",
    ),
    Demo(
        "d14",
        C.PETITION_HALL,
        "town:下梁镇",
        "社会保障",
        "半年前申请了残疾人两项补贴，到现在还没有结果，希望查明原因。",
        "collect assign",
        unit="柞水县民政局",
        citizen=("吴海燕", "13700000114"),
    ),
    Demo(
        "d15",
        C.OUTREACH,
        "town:乾佑街道",
        "环境卫生",
        "菜市场周边污水横流，排水沟长期堵塞，商户和居民反映强烈。",
        "collect assign",
        level=TOWN,
        unit="town",
        due="red",
    ),
    # --- supervising: the unit is working on it ---
    Demo(
        "d16",
        C.QR,
        "me",
        "道路交通",
        "村里乡村公路的急弯处没有凸面镜和防护栏，今年已经发生过两次车辆剐蹭。",
        "collect assign accept note remind",
    ),
    Demo(
        "d17",
        C.RECEPTION,
        "me",
        "道路交通",
        "进城的客运班车车况差，冬天没有暖气，希望更换车辆、增加班次。",
        "collect assign accept reply",
        due="yellow",
        citizen=("郑文娟", "13700000117"),
    ),
    Demo(
        "d18",
        C.QR,
        "rep:2",
        "道路交通",
        "通村公路桥梁的栏杆松动，桥面出现裂缝，希望尽快检测加固。",
        "collect assign accept extend",
    ),
    Demo(
        "d19",
        C.STATION_PAGE,
        "station:qianyou-center",
        "道路交通",
        "街道主干道改造施工已经半年，围挡占道严重，希望加快进度、做好交通疏导。",
        "collect assign accept",
        due="red",
    ),
    Demo(
        "d20",
        C.QR,
        "me",
        "环境卫生",
        "河道里有人夜间倾倒建筑垃圾，影响行洪，希望查处并清理。",
        "collect assign report:answered rate:unsatisfied",
        unit="商洛市生态环境局柞水分局",
        citizen=("冯立新", "13700000120"),
    ),
    # --- reported: the result is in, waiting for the citizen's rating ---
    Demo(
        "d22",
        C.QR,
        "me",
        "道路交通",
        "村道上的路灯有五盏不亮，晚上出行不安全，希望尽快维修。",
        "collect assign accept report:solved",
        citizen=("唐红霞", "13700000122"),
    ),
    Demo(
        "d23",
        C.SNAPSHOT,
        "me",
        "道路交通",
        "公路边的排水沟被落石堵塞，下雨时雨水漫过路面，车辆容易打滑。",
        "collect assign accept report:solved",
    ),
    Demo(
        "d24",
        C.QR,
        "rep:3",
        "医疗卫生",
        "镇卫生院缺少儿科医生，孩子生病要跑到县城去看，希望解决。",
        "collect assign report:answered",
        unit="柞水县卫生健康局",
    ),
    Demo(
        "d25",
        C.PHONE,
        "town:曹坪镇",
        "农业农村",
        "村里的产业路还没有硬化，雨天农产品运不出去，希望纳入今年的建设计划。",
        "collect assign report:referred",
        level=TOWN,
        unit="town",
        citizen=("韩振东", "13700000125"),
    ),
    Demo(
        "d26",
        C.QR,
        "me",
        "道路交通",
        "村口的减速带被压坏，铁钉外露，容易扎破轮胎。",
        "collect assign accept report:answered rate:unsatisfied report:solved",
        citizen=("谢永平", "13700000126"),
    ),
    # --- closed: one for each closing outcome, with their ratings ---
    Demo(
        "d27",
        C.QR,
        "me",
        "道路交通",
        "村口公交站台的顶棚破损，下雨天候车的群众被淋湿。",
        "collect assign accept report:solved rate:satisfied",
        citizen=("梁淑珍", "13700000127"),
    ),
    Demo(
        "d28",
        C.STATION_PAGE,
        "station:renhe",
        "环境卫生",
        "社区公厕长期无人保洁，异味很重，希望落实保洁责任。",
        "collect assign report:solved rate:basically",
        level=TOWN,
        unit="town",
    ),
    Demo(
        "d29",
        C.QR,
        "rep:4",
        "社会保障",
        "城乡居民医保缴费标准每年上涨，部分老人负担重，希望解释政策并给予帮助。",
        "collect assign report:answered call:basically",
        unit="柞水县人力资源和社会保障局",
        citizen=("宋学军", "13700000129"),
    ),
    Demo(
        "d30",
        C.PETITION_HALL,
        "town:杏坪镇",
        "矛盾纠纷",
        "在工地干活的劳务费被拖欠，包工头联系不上，希望帮助讨薪。",
        "collect assign report:not_remit rate:satisfied",
        unit="柞水县人民法院",
        citizen=("何晓燕", "13700000130"),
    ),
    Demo(
        "d31",
        C.HOTLINE,
        "town:红岩寺镇",
        "其他",
        "镇上集中供暖只覆盖了一部分小区，希望扩大供暖范围。",
        "collect assign report:referred rate:basically",
        unit="柞水县人民政府",
    ),
    Demo(
        "d32",
        C.ACTIVITY,
        "town:乾佑街道",
        "产业发展",
        "农贸市场部分商户短斤少两，希望加强计量监管。",
        "collect assign report:duplicate rate:satisfied",
        unit="柞水县市场监督管理局",
    ),
    Demo(
        "d33",
        C.QR,
        "me",
        "道路交通",
        "村里的通组路只有三米宽，会车困难，希望增设错车道。",
        "collect assign accept report:answered rate:unsatisfied report:solved rate:satisfied",
        citizen=("曾国栋", "13700000133"),
    ),
    Demo(
        "d34",
        C.QR,
        "rep:5",
        "住房建设",
        "安置房小区外墙渗水，多户墙面发霉，维修多次仍未解决。",
        "collect assign report:answered rate:unsatisfied report:answered rate:unsatisfied "
        "report:answered rate:unsatisfied",
        unit="柞水县住房和城乡建设局",
        citizen=("彭雪梅", "13700000134"),
    ),
    Demo(
        "d35",
        C.OUTREACH,
        "town:瓦房口镇",
        "农业农村",
        "村里的饮水池多年没有清洗，希望定期清洗消毒。",
        "collect assign report:solved close",
        level=TOWN,
        unit="town",
    ),
    Demo(
        "d36",
        C.QR,
        "rep:6",
        "教育",
        "村小学的取暖设备老化，冬天教室很冷，希望更换。",
        "collect assign report:solved call:satisfied",
        unit="柞水县教育体育和科技局",
    ),
    # --- not accepted, with a reason and guidance ---
    Demo(
        "d37",
        C.QR,
        "me",
        "其他",
        "我儿子大学毕业两年了，希望代表帮忙介绍一份县里的工作。",
        "reject",
    ),
    Demo(
        "d38",
        C.STATION_PAGE,
        "station:shizhen",
        "矛盾纠纷",
        "对法院已经生效的离婚财产分割判决不服，希望人大改判。",
        "reject",
    ),
    # --- merged into a common issue (共性问题: d09, the school gate) ---
    Demo(
        "d39",
        C.QR,
        "rep:1",
        "教育",
        "每天放学时学校门口堵得水泄不通，孩子过马路很危险。",
        "merge:d09",
    ),
    Demo(
        "d40",
        C.ACTIVITY,
        "town:乾佑街道",
        "教育",
        "建议在城区小学门口施划接送车辆临时停车位，缓解放学拥堵。",
        "collect merge:d09",
    ),
    # --- returned by the unit as wrongly assigned, then assigned again ---
    Demo(
        "d41",
        C.LETTER,
        "town:乾佑街道",
        "住房建设",
        "小区里的电动车充电桩太少，居民私拉电线充电，存在火灾隐患。",
        "collect assign return assign:柞水县住房和城乡建设局",
    ),
]


REPORTS = {
    Petition.Outcome.SOLVED: "已安排专人现场处理，问题已整改到位，并经群众现场确认。",
    Petition.Outcome.ANSWERED: "经调查，该事项需纳入明年项目计划统筹解决，已向群众说明原因和时间安排。",
    Petition.Outcome.NOT_REMIT: "该事项属于司法程序范围，已告知群众可向人民法院依法起诉，并提供法律援助渠道。",
    Petition.Outcome.DUPLICATE: "该问题与县人大交办的同类问题一并办理，已按共性问题统一答复。",
    Petition.Outcome.REFERRED: "已转交有关部门办理，并告知群众后续联系方式。",
}
RATINGS = {
    "satisfied": "办得很快，谢谢代表。",
    "basically": "问题基本解决，希望后续多关注。",
    "unsatisfied": "问题还没有真正解决。",
}
