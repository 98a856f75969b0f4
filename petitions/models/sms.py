"""The SMS outbox: one row per message to a citizen, written in the same transaction as the
change it reports (``petitions/sms/outbox.py``), so a Redis or provider outage delays an SMS
but never loses it.

The row holds neither the phone number nor the tracking token: both are read from the concern
when the message goes out (the token is derived again from the form's one-time key), so the
retention job's erasure of the concern's personal data reaches the outbox too, and the
database still holds only the token's hash. ``phone_digest`` (a keyed hash) is all the daily
cap per number needs.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from petitions.models.concern import Petition


class Sms(models.Model):
    class Kind(models.TextChoices):
        RECEIVED = "received", _("concern received")
        REPORTED = "reported", _("result reported")
        REMINDER = "reminder", _("reminder to rate")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        # The number had its day's SMS already (SMS_DAILY_CAP_PER_NUMBER): not retried.
        CAPPED = "capped", _("daily cap reached")
        # Consent withdrawn or the number erased before it went out.
        DROPPED = "dropped", _("not sent")

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="sms", verbose_name=_("concern")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    phone_digest = models.CharField(_("number (keyed hash)"), max_length=64)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_id = models.CharField(_("provider's id"), max_length=64, blank=True)
    # The provider's error code and message: never the number (see the outbox's docstring).
    error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SMS")
        verbose_name_plural = _("SMS")
        constraints = [
            models.UniqueConstraint(fields=["petition", "kind"], name="sms_one_per_kind"),
        ]
        indexes = [
            # The retry sweep: pending rows, oldest first.
            models.Index(fields=["status", "created_at"], name="sms_status_created_idx"),
            # The daily cap: what a number was sent since midnight.
            models.Index(fields=["phone_digest", "sent_at"], name="sms_phone_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.kind} {self.status}"
