"""Keep automatic point entries in step with their sources in other apps.

Concerns signal their step changes; attendance and duty shifts are edited in the admin,
which syncs them on save. Deletion is caught here, whatever path it takes (one object, a
bulk delete in the admin, a cascade from a deleted activity or duty day), so an entry never
outlives its source.
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from petitions.signals import petition_step_changed
from points.models import Attendance, DutyShift, PointEntry


@receiver(petition_step_changed, dispatch_uid="points_petition_sync")
def _petition_changed(sender, petition, action, **kwargs):
    from points.services import petition_sync

    petition_sync(petition=petition)


def _remove_source_entry(source: str, instance) -> None:
    from liaison.models import Representative
    from points.services import _sync

    with transaction.atomic():
        # No rule: the source is gone, so its entry goes and the year's items renumber.
        _sync(
            source=source,
            source_id=instance.pk,
            representative=Representative(pk=instance.representative_id),
            rule_code=None,
            on=None,
            description="",
        )


@receiver(post_delete, sender=Attendance, dispatch_uid="points_attendance_deleted")
def _attendance_deleted(sender, instance, **kwargs):
    _remove_source_entry(PointEntry.Source.ATTENDANCE, instance)


@receiver(post_delete, sender=DutyShift, dispatch_uid="points_duty_shift_deleted")
def _duty_shift_deleted(sender, instance, **kwargs):
    _remove_source_entry(PointEntry.Source.DUTY, instance)
