"""Automatic entries from study (线上学): each material a representative marks read earns
the ``study`` rule (学习培训, capped yearly by the rule), traceable to its read."""

from django.db import transaction
from django.utils import timezone

from points.models import PointEntry
from points.services.sources import _sync
from study.models import MaterialRead


@transaction.atomic
def material_read_sync(*, read: MaterialRead) -> PointEntry | None:
    """A read → its entry under ``study``, dated the day it was read, naming the material."""
    return _sync(
        source=PointEntry.Source.STUDY,
        source_id=read.pk,
        representative=read.representative,
        rule_code="study",
        on=timezone.localdate(read.read_at),
        description=read.material.quoted_title,
    )
