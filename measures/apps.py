from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "measures"
    verbose_name = _("Measured results (五成效)")

    def ready(self):
        # The dashboard's cached figures are forgotten when a rating or points data change.
        from measures.dashboard import connect_signals

        connect_signals()
