"""Duty rosters now belong to liaison (see liaison 0003): state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('liaison', '0003_staff_units_and_duty_rosters'),
        ('points', '0003_year_end_reports_speed'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's idea of which app owns them moves.
            database_operations=[],
            state_operations=[
            migrations.RemoveField(
                model_name='dutyshift',
                name='duty_day',
            ),
            migrations.RemoveField(
                model_name='dutyshift',
                name='representative',
            ),
            migrations.DeleteModel(
                name='DutyDay',
            ),
            migrations.DeleteModel(
                name='DutyShift',
            ),
            ],
        ),
    ]
