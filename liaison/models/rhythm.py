"""The stations' rhythm (接待日–活动月–主题季–行动年): the year's theme (行动年), each
season's theme (主题季) and each month's activity (活动月), set by county staff and shown on
every station's public page beside its reception days."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Re-exported: the rhythm's trail refuses changes with the shared error.
from liaison.models.append_only import AppendOnlyModel, AuditRowImmutable  # noqa: F401


class Theme(models.Model):
    """One theme of the rhythm: the year's (no number), a quarter's (1–4) or a month's
    (1–12)."""

    class Kind(models.TextChoices):
        YEAR = "year", _("action year (行动年)")
        QUARTER = "quarter", _("theme season (主题季)")
        MONTH = "month", _("activity month (活动月)")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(
        _("quarter or month"),
        null=True,
        blank=True,
        help_text=_("Empty for the year's theme; 1–4 for a season; 1–12 for a month."),
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["year", "kind", "number"]
        verbose_name = _("rhythm theme")
        verbose_name_plural = _("rhythm themes")
        constraints = [
            # One theme per season and per month of a year.
            models.UniqueConstraint(
                fields=["kind", "year", "number"], name="theme_unique_kind_year_number"
            ),
            # One theme for the year (NULLs are distinct in a unique index: its own rule).
            models.UniqueConstraint(
                fields=["kind", "year"],
                condition=Q(number__isnull=True),
                name="theme_unique_year_theme",
            ),
            # The year has no number, a season 1–4, a month 1–12 (a NULL passes a CHECK
            # that compares it, hence "not null" spelled out).
            models.CheckConstraint(
                condition=Q(kind="year", number__isnull=True)
                | Q(kind="quarter", number__isnull=False, number__gte=1, number__lte=4)
                | Q(kind="month", number__isnull=False, number__gte=1, number__lte=12),
                name="theme_number_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.YEAR:
            return f"{self.year} {self.get_kind_display()}: {self.title}"
        return f"{self.year}-{self.number} {self.get_kind_display()}: {self.title}"


class ThemeChange(AppendOnlyModel):
    """Who changed which theme of the rhythm, from what to what: appended, never changed."""

    kind = models.CharField(_("kind"), max_length=8, choices=Theme.Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("quarter or month"), null=True, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("rhythm theme change")
        verbose_name_plural = _("rhythm theme changes")

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.number or ''}".strip()
