"""Mediation of disputes (人大代表+和事佬, issue #11): a concern of a dispute category (矛盾纠纷)
opens one mediation; representatives and a legal worker mediate between the parties over
sessions, and it ends in an outcome. Every change is made in ``mediation/services.py`` and
appends a ``MediationEvent``, which is never changed."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.models import Representative, Station, Town
from liaison.models.append_only import AppendOnlyModel
from petitions.models import Petition


def scan_upload_to(instance, filename):
    """A private file (the signed agreement): a random name, served only by a view after the
    access check (``liaison.files.private_file_response``)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"mediation/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{ext[:5]}"


class Mediation(models.Model):
    """One mediation of one concern (the OneToOne holds "once per concern", also under a
    race: the second insert fails)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("mediation", "open")
        CLOSED = "closed", pgettext_lazy("mediation", "closed")

    class Outcome(models.TextChoices):
        NONE = "", _("not yet")
        SUCCESS = "success", _("agreement reached (调解成功)")
        FAILED = "failed", _("no agreement (未达成)")
        REFERRED = "referred", _("referred to the courts (转司法途径)")

    petition = models.OneToOneField(
        Petition,
        on_delete=models.PROTECT,
        related_name="mediation",
        verbose_name=_("concern"),
    )
    # Copied from the concern when opened: the scope of town and station staff.
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediations",
        verbose_name=_("town"),
    )
    station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediations",
        verbose_name=_("station"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, editable=False
    )
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=Outcome.choices, blank=True, editable=False
    )
    agreement = models.TextField(_("agreement"), blank=True, editable=False)
    scan = models.FileField(
        _("signed agreement (scan)"), upload_to=scan_upload_to, blank=True, editable=False
    )
    representatives = models.ManyToManyField(
        Representative,
        blank=True,
        related_name="mediations",
        verbose_name=_("mediating representatives"),
    )
    legal_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_mediations",
        limit_choices_to={"staff_scope__level": "legal"},
        verbose_name=_("mediating legal worker"),
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")
        constraints = [
            # Closed exactly when it has an outcome and a closing time.
            models.CheckConstraint(
                condition=(Q(status="open", outcome="", closed_at__isnull=True))
                | (Q(status="closed", closed_at__isnull=False) & ~Q(outcome="")),
                name="mediation_closed_has_outcome",
            ),
            # 调解成功 is recorded with the agreement's text.
            models.CheckConstraint(
                condition=~Q(outcome="success") | ~Q(agreement=""),
                name="mediation_success_has_agreement",
            ),
        ]
        indexes = [
            # The summary counts a year's mediations by when they were opened and closed.
            models.Index(fields=["town", "opened_at"], name="mediation_town_opened"),
            models.Index(fields=["closed_at"], name="mediation_closed"),
        ]

    def __str__(self) -> str:
        return str(_("Mediation of %(no)s") % {"no": self.petition.tracking_no})

    def get_absolute_url(self) -> str:
        return reverse("mediation:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Party(models.Model):
    """A party to the dispute. Personal data: the name is shown in full only to county and
    town staff (``access.party_name_for``); no phone is kept."""

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("applicant (申请人)")
        RESPONDENT = "respondent", _("respondent (被申请人)")
        OTHER = "other", _("other party")

    mediation = models.ForeignKey(
        Mediation, on_delete=models.CASCADE, related_name="parties", verbose_name=_("mediation")
    )
    name = models.CharField(_("name"), max_length=30)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.get_role_display()


class Session(models.Model):
    """One sitting of the mediation: when, where, who came, what happened."""

    mediation = models.ForeignKey(
        Mediation, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("mediation")
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100)
    representatives = models.ManyToManyField(
        Representative,
        blank=True,
        related_name="mediation_sessions",
        verbose_name=_("representatives present"),
    )
    others = models.CharField(_("others present"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.place}"


class MediationEvent(AppendOnlyModel):
    """The audit trail of a mediation: appended by every service, never changed."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("opened")
        PARTY_ADDED = "party_added", _("party added")
        MEDIATORS_SET = "mediators_set", _("mediators set")
        SESSION_ADDED = "session_added", _("session recorded")
        CLOSED = "closed", _("closed")

    mediation = models.ForeignKey(
        Mediation, on_delete=models.PROTECT, related_name="events", verbose_name=_("mediation")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("mediation event")
        verbose_name_plural = _("mediation events")

    def __str__(self) -> str:
        return self.get_kind_display()
