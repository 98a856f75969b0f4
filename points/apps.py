from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from liaison.public_cache import public_pages_changed


def _audited(sender, instance, created=False, **kwargs):
    """A duty day cancelled or reinstated is a queryset update (points/services/sources.py,
    compare-and-set) that sends no signal of its own; its audit row does. The station's
    public page lists its next duty days."""
    if created and instance.kind == instance.Kind.DUTY_DAY:
        public_pages_changed()


class PointsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "points"
    verbose_name = _("Performance points")

    def ready(self):
        # Automatic entries follow their sources (concerns reaching "reported"); a started
        # year-end run is queued by the tasks module, which listens to run_queued. Imported
        # here, once the models are loaded (these modules import them).
        from django.db.models.signals import post_delete, post_save

        from points import signals, tasks  # noqa: F401
        from points.models import PointAudit, Publication

        # A representative's public page (served from the cache, liaison/public_cache.py)
        # shows the published years: publishing a year, or withdrawing it, forgets the
        # cached pages. AnnualReport rows are not watched: a published run's rows never
        # change, and a delete receiver would make the year-end build delete row by row.
        for signal in (post_save, post_delete):
            signal.connect(
                public_pages_changed,
                sender=Publication,
                dispatch_uid=f"public-pages-{signal is post_save}-Publication",
            )
        post_save.connect(_audited, sender=PointAudit, dispatch_uid="public-pages-duty-audit")
