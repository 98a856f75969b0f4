from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "points"
    verbose_name = _("Performance points")

    def ready(self):
        # Automatic entries follow their sources (concerns reaching "reported"); a started
        # year-end run is queued by the tasks module, which listens to run_queued.
        from points import signals, tasks  # noqa: F401
