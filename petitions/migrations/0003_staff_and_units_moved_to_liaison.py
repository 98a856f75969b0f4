"""Staff scopes and handling units now belong to liaison (see liaison 0003): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('liaison', '0003_staff_units_and_duty_rosters'),
        ('petitions', '0002_default_data'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's idea of which app owns them moves.
            database_operations=[],
            state_operations=[
            migrations.AlterField(
                model_name='petition',
                name='accused_unit',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='liaison.handlingunit', verbose_name='accused unit'),
            ),
            migrations.AlterField(
                model_name='petition',
                name='unit',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='petitions', to='liaison.handlingunit', verbose_name='handling unit'),
            ),
            migrations.RemoveField(
                model_name='staffscope',
                name='station',
            ),
            migrations.RemoveField(
                model_name='staffscope',
                name='town',
            ),
            migrations.RemoveField(
                model_name='staffscope',
                name='user',
            ),
            migrations.DeleteModel(
                name='HandlingUnit',
            ),
            migrations.DeleteModel(
                name='StaffScope',
            ),
            ],
        ),
    ]
