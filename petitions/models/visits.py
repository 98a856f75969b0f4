"""Outreach and home visits (主动出诊 / 代表家访): a representative goes out to a community,
a village, a school, a firm or a household; the concerns raised there are petitions of
channel ``outreach`` that point back to the visit (``Petition.visit``)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.models import Representative, Town, Village
from petitions.models.concern import StoredPhoto


def visit_photo_upload_to(instance, filename):
    # Random names only: the original file name never reaches the disk.
    return f"visits/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.jpg"


class Visit(models.Model):
    """One visit, recorded by the representative who made it."""

    class PlaceKind(models.TextChoices):
        COMMUNITY = "community", _("community (社区)")
        COUNTRYSIDE = "countryside", _("village (农村)")
        SCHOOL = "school", _("school (学校)")
        ENTERPRISE = "enterprise", _("enterprise (企业)")
        HOUSEHOLD = "household", _("household (农户)")

    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("representative"),
    )
    date = models.DateField(_("date"))
    place_kind = models.CharField(_("kind of place"), max_length=12, choices=PlaceKind.choices)
    place = models.CharField(_("place"), max_length=100)
    # The town staff see it under: the village's town, else the representative's first
    # station's town (as a 随手拍 without a village).
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("town"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("village or community"),
    )
    fellows = models.ManyToManyField(
        Representative,
        blank=True,
        related_name="fellow_visits",
        verbose_name=_("fellow representatives"),
    )
    people_count = models.PositiveIntegerField(_("people met"), null=True, blank=True)
    people_note = models.CharField(_("who was met"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # A double tap or a replayed form records one visit.
    submit_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            # A representative's list, newest first; staff's list by date.
            models.Index(fields=["representative", "-date", "-id"], name="visit_rep_newest_idx"),
            models.Index(fields=["-date", "-id"], name="visit_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place=""),
                name="visit_has_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.place}"


class VisitPhoto(StoredPhoto):
    """A photo of a visit, re-encoded like a concern's (``petitions/photos.py``)."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("visit")
    )
    image = models.FileField(_("photo"), upload_to=visit_photo_upload_to)

    class Meta(StoredPhoto.Meta):
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self) -> str:
        return f"{self.visit} #{self.pk}"
