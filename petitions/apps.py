from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "petitions"
    verbose_name = _("Citizens' concerns")

    def ready(self):
        # Connects the receiver that enqueues notices' e-mails: every process that writes a
        # notice (web, worker, beat, commands) must have it. Imported here, once the models
        # are loaded, since the tasks import the services and through them the models.
        from petitions import tasks  # noqa: F401
