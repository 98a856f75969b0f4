"""Shipped data: the default categories, the official 2026 holiday calendar, and the beat
schedules of the overdue job and the notification retry sweep. Staff may edit all of it."""

from datetime import date, timedelta

from django.db import migrations

CATEGORIES = [
    ("道路交通", False),
    ("环境卫生", False),
    ("产业发展", False),
    ("医疗卫生", False),
    ("社会保障", False),
    ("教育", False),
    ("住房建设", False),
    ("农业农村", False),
    ("矛盾纠纷", False),
    ("检举控告", True),
    ("其他", False),
]


def _span(start, days):
    return [start + timedelta(days=i) for i in range(days)]


# 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号).
HOLIDAYS_2026 = (
    [(d, "元旦") for d in _span(date(2026, 1, 1), 3)]
    + [(d, "春节") for d in _span(date(2026, 2, 15), 9)]
    + [(d, "清明节") for d in _span(date(2026, 4, 4), 3)]
    + [(d, "劳动节") for d in _span(date(2026, 5, 1), 5)]
    + [(d, "端午节") for d in _span(date(2026, 6, 19), 3)]
    + [(d, "中秋节") for d in _span(date(2026, 9, 25), 3)]
    + [(d, "国庆节") for d in _span(date(2026, 10, 1), 7)]
)
WORKDAYS_2026 = [
    (date(2026, 1, 4), "元旦调休上班"),
    (date(2026, 2, 14), "春节调休上班"),
    (date(2026, 2, 28), "春节调休上班"),
    (date(2026, 5, 9), "劳动节调休上班"),
    (date(2026, 9, 20), "国庆节调休上班"),
    (date(2026, 10, 10), "国庆节调休上班"),
]

SCHEDULES = [
    # (name, task, crontab minute, hour)
    ("标记临期与逾期诉求（黄牌/红牌）", "petitions.tasks.mark_overdue_petitions", "15", "1,13"),
    ("补发待发送的通知邮件", "petitions.tasks.retry_pending_notifications", "*/5", "*"),
    ("匿名化超过保存期限的个人信息", "petitions.tasks.anonymise_expired_petitions", "40", "3"),
]


def forwards(apps, schema_editor):
    Category = apps.get_model("petitions", "Category")
    for order, (name, accusation) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(
            name=name, defaults={"order": order, "is_accusation": accusation}
        )
    CalendarDay = apps.get_model("petitions", "CalendarDay")
    for day, name in HOLIDAYS_2026:
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": "holiday", "name": name})
    for day, name in WORKDAYS_2026:
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": "workday", "name": name})
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
        )
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "enabled": True}
        )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[s[0] for s in SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
