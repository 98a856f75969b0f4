"""Keep automatic point entries in step with their sources in other apps."""

from django.dispatch import receiver

from petitions.signals import petition_step_changed


@receiver(petition_step_changed, dispatch_uid="points_petition_sync")
def _petition_changed(sender, petition, action, **kwargs):
    from points.services import petition_sync

    petition_sync(petition=petition)
