"""Keep automatic point entries in step with their sources in other apps.

Concerns signal their step changes; attendance and duty shifts are edited in the admin,
which syncs them on save. Deletion is caught here, whatever path it takes (one object, a
bulk delete in the admin, a cascade from a deleted activity or duty day), so an entry never
counts once its source is gone: it is kept as withdrawn, with its audit row.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from liaison.links import contact_logged
from liaison.models import DutyShift
from petitions.models import Visit
from petitions.signals import petition_step_changed
from points import services
from points.models import Attendance, PointEntry


@receiver(petition_step_changed, dispatch_uid="points_petition_sync")
def _petition_changed(sender, petition, action, **kwargs):
    services.petition_sync(petition=petition)


def _remove_source_entry(source: str, instance) -> None:
    services.point_entry_withdraw(
        source=source, source_id=instance.pk, representative_id=instance.representative_id
    )


@receiver(post_delete, sender=Attendance, dispatch_uid="points_attendance_deleted")
def _attendance_deleted(sender, instance, **kwargs):
    _remove_source_entry(PointEntry.Source.ATTENDANCE, instance)


@receiver(post_delete, sender=DutyShift, dispatch_uid="points_duty_shift_deleted")
def _duty_shift_deleted(sender, instance, **kwargs):
    _remove_source_entry(PointEntry.Source.DUTY, instance)


@receiver(post_save, sender=Visit, dispatch_uid="points_visit_saved")
def _visit_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # not while loading fixtures
        services.visit_sync(visit=instance)


@receiver(post_delete, sender=Visit, dispatch_uid="points_visit_deleted")
def _visit_deleted(sender, instance, **kwargs):
    _remove_source_entry(PointEntry.Source.VISIT, instance)


@receiver(contact_logged, dispatch_uid="points_contact_sync")
def _contact_logged(sender, contact, **kwargs):
    services.contact_sync(contact=contact)
