"""The default points table and grade bands (MISSION.md), and the year-end beat schedule
(1 January, 02:00 Asia/Shanghai). Staff may edit all of it; a change for a later year is a
new rule row with a later "applies from" year."""

from django.db import migrations

RULES = [
    # code, category, name, first, further, cap, claimable, needs_evidence
    ("session", "meetings", "出席人民代表大会会议", 15, 0, 15, False, False),
    ("meeting", "meetings", "出席人大常委会组织的其他会议", 2, 2, 10, False, False),
    ("absence", "meetings", "无故缺席会议", -5, -5, None, False, False),
    ("training", "training", "参加学习培训、人大讲堂", 3, 2, 8, False, False),
    ("inspection", "inspection", "参加视察、调研、执法检查", 6, 2, 12, False, False),
    ("proposal", "proposals", "领衔提出议案、建议", 6, 2, 12, True, True),
    ("cosign", "proposals", "附议建议", 1, 1, 3, True, True),
    ("duty", "voters", "接待日进站接待选民", 4, 2, 12, False, False),
    ("concern", "voters", "反映群众诉求并推动办理出结果", 1, 1, 8, False, False),
    ("deed", "deeds", "化解矛盾纠纷、为民办实事、公益活动", 5, 1, 10, True, True),
    ("report", "reporting", "向选民报告履职情况", 5, 0, 5, True, True),
]
BANDS = [("优秀", 85), ("合格", 60), ("基本合格", 45), ("不合格", -1000)]


def forwards(apps, schema_editor):
    PointRule = apps.get_model("points", "PointRule")
    for order, (code, category, name, first, further, cap, claimable, evidence) in enumerate(
        RULES, start=1
    ):
        PointRule.objects.update_or_create(
            code=code,
            applies_from=2000,
            defaults={
                "category": category,
                "name": name,
                "points_first": first,
                "points_further": further,
                "yearly_cap": cap,
                "claimable": claimable,
                "needs_evidence": evidence,
                "needs_approval": claimable,
                "order": order,
            },
        )
    GradeBand = apps.get_model("points", "GradeBand")
    for name, minimum in BANDS:
        GradeBand.objects.update_or_create(
            name=name, applies_from=2000, defaults={"min_total": minimum}
        )
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="2",
        day_of_month="1",
        month_of_year="1",
        day_of_week="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.update_or_create(
        name="年度履职积分报告（上一年度）",
        defaults={"task": "points.tasks.build_last_years_reports", "crontab": crontab},
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name="年度履职积分报告（上一年度）"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
