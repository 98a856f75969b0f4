"""The default "五个五" star-rating criteria, as MISSION.md reads the standard:
five groups of five checks, 4 points each, 100 in all. Staff may edit them afterwards."""

from django.db import migrations

CRITERIA = [
    # (group, code, name, description, measured from records)
    ("have", "have-place", "有场所", "有固定的接待场所，面积满足接待选民需要。", False),
    ("have", "have-sign", "有标识", "悬挂统一的联络站标牌和柞水人大代表联络站LOGO。", False),
    ("have", "have-rules", "有制度", "工作制度、接待流程、代表职责上墙公开。", False),
    ("have", "have-equipment", "有设备", "配备办公桌椅、电脑、档案柜等必要设施。", False),
    ("have", "have-staff", "有人员", "明确站长和工作人员，保障日常运转。", False),
    ("public", "public-reps", "代表信息公开", "公开进站代表姓名、照片、单位和联系方式。", False),
    ("public", "public-roster", "接待安排公开", "公开每月接待日和代表值班表。", False),
    ("public", "public-contact", "联系方式公开", "公开联络站电话和网上联络站二维码。", False),
    ("public", "public-procedure", "办理流程公开", "公开“六步工作法”办理流程。", False),
    ("public", "public-results", "办理结果公开", "公开群众意见建议的办理结果。", False),
    ("in_place", "in-place-records", "台账记录到位", "接待记录、问题台账完整规范。", False),
    ("in_place", "in-place-feedback", "反馈回复到位", "群众诉求办理结果及时反馈。", False),
    ("in_place", "in-place-supervision", "跟踪督办到位", "对交办事项跟踪督办、按期办结。", False),
    ("in_place", "in-place-filing", "资料归档到位", "活动资料及时整理归档。", False),
    ("in_place", "in-place-funding", "经费保障到位", "运行经费有保障、使用规范。", False),
    ("regular", "regular-duty", "定期接待", "每月人大代表接待日进站坐班接待选民。", False),
    ("regular", "regular-visits", "定期走访", "代表定期进社区、进农户走访群众。", False),
    ("regular", "regular-study", "定期学习", "每月组织一次代表集体学习。", False),
    ("regular", "regular-report", "定期述职", "代表定期向选民报告履职情况。", False),
    ("regular", "regular-key-issues", "定期研究", "每季度集中研究推动解决1-2件群众关注的热点难点问题。", False),
    ("results", "results-received", "收集诉求", "年度收集群众意见建议数量（由系统统计）。", True),
    ("results", "results-resolved", "解决率", "已办结诉求中已解决的比例（由系统统计）。", True),
    ("results", "results-satisfaction", "满意率", "群众满意度测评的满意和基本满意比例（由系统统计）。", True),
    ("results", "results-on-time", "按期办结率", "在期限内办结的比例（由系统统计）。", True),
    ("results", "results-points", "代表履职积分", "进站代表年度履职积分的平均水平（由系统统计）。", True),
]


def create_criteria(apps, schema_editor):
    RatingCriterion = apps.get_model("liaison", "RatingCriterion")
    for order, (group, code, name, description, measured) in enumerate(CRITERIA, start=1):
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
    dependencies = [("liaison", "0001_initial")]

    operations = [migrations.RunPython(create_criteria, remove_criteria)]
