"""Append-only rows: the audit trails of issue #11's parts (grids, the rhythm, the five links,
mediation, key issues, study). Written once, never changed or deleted, one by one or in bulk.

One base for all of them, on the ground floor every app may import; the older trails
(petitions' events, points' audit) keep their own, which say the same.
"""

from django.core.exceptions import ValidationError
from django.db import models


class AuditRowImmutable(ValidationError):
    """An append-only row was to be changed or deleted. A ValidationError, so that the admin
    and the forms that reach one show a message rather than a server error."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditRowImmutable(f"{self.model._meta.verbose_name}: rows are never changed.")

    def delete(self):
        raise AuditRowImmutable(f"{self.model._meta.verbose_name}: rows are never deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AuditRowImmutable(f"{self._meta.verbose_name}: rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditRowImmutable(f"{self._meta.verbose_name}: rows are never deleted.")
