"""Grids (网格, 分片包区): a town's villages and communities in small areas, each looked after
by representatives and by 议政代表 (乾佑街道's "人大代表+联络站+网格", 红岩寺镇's 分片包区)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from liaison.models.append_only import AppendOnlyModel
from liaison.models.places import Representative, Station, Town, Village, mainland_mobile_validator
from liaison.privacy import mask_phone


class Deputy(models.Model):
    """A 议政代表: a subdistrict's deputy who is not a people's congress representative. Sent
    down to a grid beside the representatives; no QR code and no performance points."""

    name = models.CharField(_("full name"), max_length=30)
    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, related_name="deputies", verbose_name=_("town")
    )
    occupation = models.CharField(_("unit and post"), max_length=100, blank=True)
    mobile = models.CharField(
        _("private mobile phone"),
        max_length=11,
        blank=True,
        validators=[mainland_mobile_validator],
        help_text=_("Never shown on a public page."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["town__order", "name", "pk"]
        verbose_name = _("deliberative deputy (议政代表)")
        verbose_name_plural = _("deliberative deputies (议政代表)")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)


class Grid(models.Model):
    """A grid: some villages or communities of one town, the station that serves them, and
    the representatives and deputies who look after them. A concern from one of its villages
    is offered to its representatives (``petitions.rules``)."""

    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, related_name="grids", verbose_name=_("town")
    )
    name = models.CharField(_("name"), max_length=60)
    station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grids",
        verbose_name=_("station"),
    )
    villages = models.ManyToManyField(
        Village, related_name="grids", verbose_name=_("villages and communities"), blank=True
    )
    representatives = models.ManyToManyField(
        Representative, related_name="grids", verbose_name=_("representatives"), blank=True
    )
    deputies = models.ManyToManyField(
        Deputy, related_name="grids", verbose_name=_("deliberative deputies"), blank=True
    )
    description = models.TextField(_("description"), blank=True)
    contact_phone = models.CharField(
        _("public contact phone"),
        max_length=20,
        blank=True,
        help_text=_("Shown on the public page. Use an office line, never a private mobile."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["town__order", "name", "pk"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="grid_unique_name_in_town")
        ]

    def __str__(self) -> str:
        return f"{self.town.name}{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("liaison:grid_detail", args=[self.pk])


class GridAudit(AppendOnlyModel):
    """One change to a grid or a 议政代表 (who looks after which villages is who is offered
    whose concerns): appended by ``liaison.grids``, never changed, never deleted."""

    class Action(models.TextChoices):
        GRID_CREATED = "grid_created", _("grid created")
        GRID_CHANGED = "grid_changed", _("grid changed")
        DEPUTY_CREATED = "deputy_created", _("deputy created")
        DEPUTY_CHANGED = "deputy_changed", _("deputy changed")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    grid = models.ForeignKey(
        Grid,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
        verbose_name=_("grid"),
    )
    deputy = models.ForeignKey(
        Deputy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
        verbose_name=_("deliberative deputy"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # What changed, in words (field names and the villages, representatives and deputies
    # added or removed); never a mobile number.
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("grid change")
        verbose_name_plural = _("grid changes")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"
