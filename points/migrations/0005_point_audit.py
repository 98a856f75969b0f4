"""The points audit trail (append-only), and "withdrawn" entries.

- ``PointAudit``: one row per change to points data, written by ``points/services.py`` in
  the change's own transaction; the model refuses updates and deletes.
- An automatic entry whose source is gone or no longer earns is kept as "withdrawn"
  (nine letters: the column widens to 10). The totals' partial index counts
  ``status = 'approved'`` only, so withdrawn entries stay out of it unchanged.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("liaison", "0002_default_rating_criteria"),
        ("points", "0004_duty_rosters_moved_to_liaison"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="pointentry",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "pending"),
                    ("approved", "approved"),
                    ("rejected", "rejected"),
                    ("withdrawn", "withdrawn"),
                ],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.CreateModel(
            name="PointAudit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("entry_created", "entry added"),
                            ("entry_changed", "entry moved with its source"),
                            ("entry_approved", "entry approved"),
                            ("entry_rejected", "entry rejected"),
                            ("entry_appealed", "rejection appealed"),
                            ("appeal_upheld", "appeal upheld"),
                            ("appeal_dismissed", "appeal dismissed"),
                            ("entry_deleted", "entry deleted"),
                            ("entry_withdrawn", "entry withdrawn"),
                            ("entry_restored", "entry counted again"),
                            ("attendance_recorded", "attendance recorded"),
                            ("excuse_approved", "excuse approved"),
                            ("activity_cancelled", "activity cancelled"),
                            ("duty_day_cancelled", "duty day cancelled"),
                        ],
                        max_length=20,
                        verbose_name="action",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("entry", "point entry"),
                            ("attendance", "attendance"),
                            ("activity", "activity"),
                            ("duty_day", "duty day"),
                        ],
                        max_length=12,
                        verbose_name="object",
                    ),
                ),
                ("object_id", models.BigIntegerField(verbose_name="object id")),
                ("before", models.JSONField(blank=True, null=True, verbose_name="before")),
                ("after", models.JSONField(blank=True, null=True, verbose_name="after")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="when")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty: the system, following a source.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "representative",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="liaison.representative",
                        verbose_name="representative",
                    ),
                ),
            ],
            options={
                "verbose_name": "points audit row",
                "verbose_name_plural": "points audit",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["kind", "object_id"], name="pointaudit_object_idx"),
                    models.Index(
                        fields=["representative", "-created_at"], name="pointaudit_rep_idx"
                    ),
                ],
            },
        ),
    ]
