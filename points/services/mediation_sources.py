"""Automatic entries of mediations (人大代表+和事佬, issue #11): a mediation closed with an
agreement (调解成功) counts under 为民办实事 (rule ``deed``) for each mediating representative,
on the day it closed; any other outcome counts nothing."""

from django.db import transaction
from django.utils import timezone

from mediation.models import Mediation
from points.models import PointEntry
from points.services.sources import _sync

MEDIATION_RULE = "deed"


@transaction.atomic
def mediation_sync(*, mediation: Mediation) -> list[PointEntry]:
    """Make each mediating representative's entry match the mediation's outcome now: one
    entry per representative (source ``mediation``, its id), naming the concern's tracking
    number; withdrawn when the outcome is not (or no longer) success. Re-running changes
    nothing."""
    success = (
        mediation.status == Mediation.Status.CLOSED
        and mediation.outcome == Mediation.Outcome.SUCCESS
    )
    on = timezone.localdate(mediation.closed_at) if mediation.closed_at else timezone.localdate()
    reps = list(mediation.representatives.all())
    # Representatives no longer among the mediators lose an entry they had.
    for entry in (
        PointEntry.objects.filter(source=PointEntry.Source.MEDIATION, source_id=mediation.pk)
        .exclude(representative__in=reps)
        .select_related("representative")
    ):
        _sync(
            source=PointEntry.Source.MEDIATION,
            source_id=mediation.pk,
            representative=entry.representative,
            rule_code=None,
            on=on,
            description=mediation.petition.tracking_no,
        )
    entries = []
    for rep in reps:
        entry = _sync(
            source=PointEntry.Source.MEDIATION,
            source_id=mediation.pk,
            representative=rep,
            rule_code=MEDIATION_RULE if success else None,
            on=on,
            description=mediation.petition.tracking_no,
        )
        if entry is not None:
            entries.append(entry)
    return entries
