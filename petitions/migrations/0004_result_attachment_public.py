from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0003_staff_and_units_moved_to_liaison"),
    ]

    operations = [
        migrations.AddField(
            model_name="resultattachment",
            name="is_public",
            field=models.BooleanField(default=False, verbose_name="shown to the citizen"),
        ),
    ]
