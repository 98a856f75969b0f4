"""Two more measured 五成效 criteria (issue #14): the station's key issues solved and its
mediations' success rate, 4 points each, after the shipped ones. Staff may edit them."""

from django.db import migrations

CRITERIA = [
    # (group, code, name, description, measured from records)
    (
        "results",
        "results-key-issues",
        "重点问题解决",
        "年度研究推动的热点难点问题中已解决的数量（由系统统计）。",
        True,
    ),
    (
        "results",
        "results-mediation",
        "调解成功率",
        "年度办结的调解中达成调解协议的比例（由系统统计）。",
        True,
    ),
]
FIRST_ORDER = 26  # after the 25 shipped criteria (0002)


def create_criteria(apps, schema_editor):
    RatingCriterion = apps.get_model("liaison", "RatingCriterion")
    for order, (group, code, name, description, measured) in enumerate(CRITERIA, start=FIRST_ORDER):
        RatingCriterion.objects.update_or_create(
            code=code,
            defaults={
                "group": group,
                "name": name,
                "description": description,
                "max_score": 4,
                "order": order,
                "is_measured": measured,
                "is_active": True,
            },
        )


def remove_criteria(apps, schema_editor):
    RatingCriterion = apps.get_model("liaison", "RatingCriterion")
    RatingCriterion.objects.filter(code__in=[c[1] for c in CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("liaison", "0016_awards")]

    operations = [migrations.RunPython(create_criteria, remove_criteria)]
