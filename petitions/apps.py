from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "petitions"
    verbose_name = _("Citizens' concerns")

    def ready(self):
        # Imported here, once the models are loaded (the modules below import them).
        from django.db.models.signals import post_save

        # Connects the receiver that enqueues notices' e-mails: every process that writes a
        # notice (web, worker, beat, commands) must have it.
        from petitions import statistics, tasks  # noqa: F401
        from petitions.models import Petition, PetitionEvent, Survey

        # Cached statistics go stale on any change to a concern: a save (a new concern, an
        # edit), or an event (every transition, note and card appends one: events.py).
        for model in (Petition, PetitionEvent, Survey):
            post_save.connect(
                statistics.figures_changed, sender=model, dispatch_uid=f"stats-{model.__name__}"
            )
