"""Demo key issues (热点难点问题) for `load_demo`: this quarter one or two for most active
stations, in every state, with notes and linked concerns (the demo representative 柳春和 is
on one in progress at his station), a few stations left with none so that the coverage page
shows them; last quarter's solved ones with their results, which earn their representatives
``key_issue`` points. Everything goes through ``keyissues.services``; each issue is found
again by station, quarter and title, so a second run adds nothing. Everyone is invented."""

import random
from datetime import date, timedelta

from django.utils import timezone

from keyissues import services
from keyissues.models import KeyIssue
from liaison.models import Representative, Station, StationMembership
from petitions.models import Petition

TOPICS = [
    (
        "通村道路雨天积水",
        "排查积水路段，协调交通运输局硬化排水沟。",
        "已硬化排水沟320米，积水问题解决。",
    ),
    (
        "集镇赶集日停车难",
        "联系市场监管和交警，划定临时停车区。",
        "划定停车位86个，安排志愿者引导。",
    ),
    (
        "农村饮水季节性短缺",
        "摸排水源，争取饮水安全巩固提升项目。",
        "新建蓄水池2座，解决120户用水。",
    ),
    ("木耳产业销售渠道窄", "对接电商平台和供销社，组织产销座谈。", "签订订单3份，带动农户增收。"),
    ("村组路灯损坏多", "登记损坏路灯，协调镇政府维修。", "维修更换路灯45盏。"),
    ("留守老人就医不便", "对接卫生院开展上门巡诊。", "建立巡诊制度，每月上门一次。"),
    ("河道垃圾清理不及时", "联系河长办，建立清理台账。", "落实保洁员4名，河道保持洁净。"),
    ("小区物业服务纠纷", "组织业主、物业面对面协商。", "签订服务承诺书，矛盾化解。"),
]
NOTES = [
    "代表进村入户走访，收集群众意见15条。",
    "召开协调会，镇政府和相关部门到会，明确责任分工。",
    "实地查看现场，拍照留存，督促施工进度。",
]
# Stations left with none this quarter: the coverage page lists them.
WITHOUT = 3


def _quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def _existing(station, year, quarter, title):
    return KeyIssue.objects.filter(station=station, year=year, quarter=quarter, title=title).first()


def _make(station, year, quarter, title, plan, reps, petitions, actor):
    issue = _existing(station, year, quarter, title)
    if issue is not None:
        return issue, False
    issue = services.key_issue_create(
        station=station,
        year=year,
        quarter=quarter,
        title=title,
        topic=f"群众反映{title}，涉及多户，属共性问题。",
        plan=plan,
        petitions=petitions,
        representatives=reps,
        actor=actor,
    )
    return issue, True


def load(*, rep, rep_user, county) -> int:
    """The demo key issues; returns how many were made (0 on a second run)."""
    rng = random.Random(2026)
    today = timezone.localdate()
    year, quarter = today.year, services.quarter_of(today)
    start = _quarter_start(year, quarter)
    stations = list(Station.objects.active().order_by("town__order", "name", "pk"))
    members: dict[int, list[Representative]] = {}
    for m in (
        StationMembership.objects.filter(representative__is_active=True)
        .select_related("representative")
        .order_by("role", "representative__name")
    ):
        members.setdefault(m.station_id, []).append(m.representative)
    concerns: dict[int, list[Petition]] = {}
    for p in (
        Petition.objects.filter(station__isnull=False)
        .exclude(category__is_accusation=True)
        .order_by("pk")
    ):
        concerns.setdefault(p.station_id, []).append(p)
    home = rep.memberships.order_by("pk").first().station_id
    skipped = [s.pk for s in stations if s.pk != home][-WITHOUT:]
    made = 0
    states = ["planned", "in_progress", "in_progress", "solved", "not_solved"]
    for index, station in enumerate(stations):
        if station.pk in skipped:
            continue
        reps = members.get(station.pk, [])[:3]
        count = 2 if index % 3 == 0 else 1
        for k in range(count):
            title, plan, result = TOPICS[(index + k) % len(TOPICS)]
            linked = concerns.get(station.pk, [])[k : k + 2]
            issue, new = _make(station, year, quarter, title, plan, reps[:2], linked, county)
            if not new:
                continue
            made += 1
            state = "in_progress" if station.pk == home else states[(index + k) % len(states)]
            if station.pk == home and rep not in reps:
                services.key_issue_update(
                    issue=issue,
                    title=issue.title,
                    topic=issue.topic,
                    plan=issue.plan,
                    petitions=linked,
                    representatives=[rep, *reps[:1]],
                    actor=county,
                )
            for n in range(0 if state == "planned" else 1 + rng.randrange(2)):
                on = min(today, start + timedelta(days=7 + 10 * n))
                author = rep_user if station.pk == home else county
                services.key_issue_note_add(issue=issue, text=NOTES[n], on=on, actor=author)
            if state != "planned":
                done_on = max(start, today - timedelta(days=2))
                services.key_issue_conclude(
                    issue=issue,
                    state=state,
                    result=result
                    if state == "solved"
                    else ("资金尚未落实，转下季度继续推进。" if state == "not_solved" else ""),
                    result_date=done_on,
                    actor=county,
                )
    # Last quarter's solved ones (within this year: an earlier year's points may be closed).
    if quarter > 1:
        last, end = quarter - 1, start - timedelta(days=1)
        for index, station in enumerate(stations[:12]):
            title, plan, result = TOPICS[(index + 3) % len(TOPICS)]
            issue, new = _make(
                station, year, last, title, plan, members.get(station.pk, [])[:2], [], county
            )
            if not new:
                continue
            made += 1
            services.key_issue_note_add(
                issue=issue, text=NOTES[0], on=end - timedelta(days=40), actor=county
            )
            services.key_issue_conclude(
                issue=issue,
                state="solved",
                result=result,
                result_date=end - timedelta(days=5),
                actor=county,
            )
    return made
