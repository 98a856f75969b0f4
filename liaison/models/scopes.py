"""Who a user is: staff scopes and handling units; and the record of who saw a
representative's mobile number."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.models.places import Representative, Station, Town
from liaison.privacy import MOBILE_VIEW_PLACES


class HandlingUnit(models.Model):
    """A body a concern is assigned to (承办单位)."""

    class Kind(models.TextChoices):
        TOWN_GOVERNMENT = "town_government", _("town government")
        COUNTY_DEPARTMENT = "county_department", _("county department")
        GOVERNMENT = "government", _("county government")
        COURT = "court", _("county court")
        PROCURATORATE = "procuratorate", _("county procuratorate")

    name = models.CharField(_("name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("town"),
        help_text=_("Only for town governments."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="handling_units",
        verbose_name=_("members"),
    )
    email = models.EmailField(_("notification e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        # Created by the petitions app; moved here with its table, as the foundation of who a
        # user is.
        db_table = "petitions_handlingunit"

    def __str__(self) -> str:
        return self.name


class StaffScope(models.Model):
    """Which petitions a staff member works on: the whole county, one town or one station; or
    a legal worker's post (a station, or the county petition hall when none)."""

    class Level(models.TextChoices):
        COUNTY = "county", _("county congress staff")
        TOWN = "town", _("town congress staff")
        STATION = "station", _("station staff")
        # 法律工作者 (凤凰镇's "信访+法律咨询"): a station's legal-service room, or, with no
        # station, the county petition hall's monthly joint reception. Not congress staff:
        # they see the concerns received where they serve and write legal advice on them.
        LEGAL = "legal", _("legal worker")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_scope",
        verbose_name=_("user"),
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("town")
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("station")
    )

    class Meta:
        verbose_name = _("staff scope")
        verbose_name_plural = _("staff scopes")
        db_table = "petitions_staffscope"
        constraints = [
            models.CheckConstraint(
                condition=Q(level="county", town__isnull=True, station__isnull=True)
                | Q(level="town", town__isnull=False, station__isnull=True)
                | Q(level="station", station__isnull=False)
                | Q(level="legal", town__isnull=True),
                name="staffscope_fields_match_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_level_display()}"


# --- personal data ----------------------------------------------------------------------------


class MobileView(models.Model):
    """A record that a user was shown a representative's full mobile number (only county
    staff are: ``liaison.privacy``). Appended, never changed or deleted (个人信息保护法)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("representative"),
    )
    viewed_at = models.DateTimeField(_("time"), auto_now_add=True)
    where = models.CharField(_("where"), max_length=40, choices=MOBILE_VIEW_PLACES)

    class Meta:
        ordering = ["-viewed_at"]
        verbose_name = _("mobile number view")
        verbose_name_plural = _("mobile number views")

    def __str__(self) -> str:
        return f"{self.user} {self.representative} {self.viewed_at:%Y-%m-%d %H:%M}"
