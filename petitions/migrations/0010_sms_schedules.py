"""Beat schedules of the SMS outbox: the sweep of SMS left pending while Redis was down
(every 5 minutes, like the e-mail sweep), and the reminder to rate a result (daily at 10:00,
so that no citizen is texted at night). Staff may edit both in the admin (Periodic tasks)."""

from django.db import migrations

SCHEDULES = [
    # (name, task, crontab minute, hour)
    ("补发待发送的短信", "petitions.tasks.retry_pending_sms", "*/5", "*"),
    ("短信提醒群众评价办理结果", "petitions.tasks.remind_citizens_to_rate", "0", "10"),
]


def forwards(apps, schema_editor):
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
        ("petitions", "0009_sms_outbox"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
