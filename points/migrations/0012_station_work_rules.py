"""The default rules for the stations' own work (issue #11), the shape of the others (first /
each further / yearly cap), none claimable: each entry comes from its source. A successful
mediation counts under the existing "deed" rule (化解矛盾纠纷、为民办实事). Staff may edit
them like any rule."""

from django.db import migrations

RULES = [
    # code, category, name, first, further, cap, order
    ("key_issue", "deeds", "推动解决联络站季度热点难点问题", 4, 2, 8, 11),
    ("contact", "voters", "五联系机制：代表联系群众", 1, 1, 4, 10),
    ("study", "training", "线上学：阅读学习资料", 1, 1, 4, 5),
]


def forwards(apps, schema_editor):
    PointRule = apps.get_model("points", "PointRule")
    for code, category, name, first, further, cap, order in RULES:
        PointRule.objects.update_or_create(
            code=code,
            applies_from=2000,
            defaults={
                "category": category,
                "name": name,
                "points_first": first,
                "points_further": further,
                "yearly_cap": cap,
                "claimable": False,
                "needs_evidence": False,
                "needs_approval": False,
                "order": order,
            },
        )


def backwards(apps, schema_editor):
    PointRule = apps.get_model("points", "PointRule")
    # Only while nothing counts under them (an entry's rule is protected).
    codes = [code for code, *_ in RULES]
    PointRule.objects.filter(code__in=codes, applies_from=2000, entries__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("points", "0011_station_work_sources")]

    operations = [migrations.RunPython(forwards, backwards)]
