"""Keep automatic point entries in step with their sources in other apps.

Concerns signal their step changes; attendance and duty shifts are edited in the admin,
which syncs them on save. Deletion is caught here, whatever path it takes (one object, a
bulk delete in the admin, a cascade from a deleted activity or duty day), so an entry never
counts once its source is gone: it is kept as withdrawn, with its audit row.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from keyissues.signals import key_issue_concluded
from liaison.links import contact_logged
from liaison.models import DutyShift
from mediation.signals import mediation_closed
from petitions.models import Visit
from petitions.signals import petition_step_changed
from points import services
from points.models import Attendance, PointEntry
from study.models import MaterialRead
from study.signals import material_read


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


@receiver(mediation_closed, dispatch_uid="points_mediation_closed")
def _mediation_closed(sender, mediation, **kwargs):
    services.mediation_sync(mediation=mediation)


@receiver(material_read, dispatch_uid="points_material_read")
def _material_read(sender, read, **kwargs):
    services.material_read_sync(read=read)


@receiver(post_delete, sender=MaterialRead, dispatch_uid="points_material_read_deleted")
def _material_read_deleted(sender, instance, **kwargs):
    _remove_source_entry(PointEntry.Source.STUDY, instance)


@receiver(key_issue_concluded, dispatch_uid="points_key_issue_sync")
def _key_issue_changed(sender, issue, **kwargs):
    services.key_issue_sync(issue=issue)


@receiver(contact_logged, dispatch_uid="points_contact_sync")
def _contact_logged(sender, contact, **kwargs):
    services.contact_sync(contact=contact)
