"""Grids (网格, 分片包区): a town's villages and communities in small areas, each looked after
by representatives and by 议政代表 (乾佑街道's "人大代表+联络站+网格", 红岩寺镇's 分片包区)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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
