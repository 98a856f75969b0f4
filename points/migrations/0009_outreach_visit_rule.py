"""The default rule for outreach and home visits (主动出诊 / 代表家访, issue 9): 联系选民, the
shape of the others (first / each further / yearly cap). A visit is smaller than a duty day
at a station (4 / 2 / 12) and is recorded by the representative alone, without approval,
so it earns less and its cap is lower. Staff may edit it like any rule."""

from django.db import migrations

CODE = "outreach_visit"


def forwards(apps, schema_editor):
    PointRule = apps.get_model("points", "PointRule")
    PointRule.objects.update_or_create(
        code=CODE,
        applies_from=2000,
        defaults={
            "category": "voters",
            "name": "主动出诊、代表家访（走访社区、农村、学校、企业、农户）",
            "points_first": 2,
            "points_further": 1,
            "yearly_cap": 6,
            "claimable": False,
            "needs_evidence": False,
            "needs_approval": False,
            # Beside the other 联系选民 rules ("duty" 8, "concern" 9).
            "order": 9,
        },
    )


def backwards(apps, schema_editor):
    PointRule = apps.get_model("points", "PointRule")
    # Only while nothing counts under it (an entry's rule is protected).
    PointRule.objects.filter(code=CODE, applies_from=2000, entries__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0008_outreach_visit_source"),
        ("petitions", "0011_outreach_visits_and_receptions_on_their_own"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
