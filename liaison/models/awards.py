"""Awards by stars (以奖代补): the county rewards its stations by their star rating instead of
funding them line by line. Each year staff set the amount one station gets per star level,
then lock the year: the award list is written out once (``AwardLine``) and never changes,
whatever happens to the ratings afterwards, since the finance office pays from it."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.models.append_only import AppendOnlyModel, AuditRowImmutable
from liaison.models.places import Station


class AwardsLocked(AuditRowImmutable):
    """The year's awards are locked: its amounts and its star ratings no longer change."""


def locked_message(year) -> str:
    """What a refusal of a locked year says."""
    return _(
        "The awards of %(year)s are locked: its star ratings and amounts no longer change."
    ) % {"year": year}


def refuse_if_locked(year) -> None:
    """Raise AwardsLocked when ``year``'s awards are locked (one query). Here, beside the
    model, so that the ratings' own ``clean`` can ask without importing the rules above it
    (``liaison.awards`` imports the models)."""
    if year is None:
        return
    if AwardYear.objects.filter(year=year, locked_at__isnull=False).exists():
        raise AwardsLocked(locked_message(year))


class AwardYear(models.Model):
    """One rating year's awards: open while staff set the amounts, then locked for good."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True, editable=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("locked by"),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("award year")
        verbose_name_plural = _("award years")

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class AwardLevel(models.Model):
    """The amount a station of ``stars`` stars gets for the year (yuan)."""

    award_year = models.ForeignKey(
        AwardYear, on_delete=models.CASCADE, related_name="levels", verbose_name=_("award year")
    )
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["award_year", "-stars"]
        verbose_name = _("award per star level")
        verbose_name_plural = _("awards per star level")
        constraints = [
            models.UniqueConstraint(fields=["award_year", "stars"], name="award_one_per_level"),
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="award_stars_1_to_5"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="award_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.award_year} ★{self.stars}: {self.amount}"


class AwardLine(AppendOnlyModel):
    """One station's line of a locked year's award list, as it stood when staff locked it."""

    award_year = models.ForeignKey(
        AwardYear, on_delete=models.PROTECT, related_name="lines", verbose_name=_("award year")
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="+", verbose_name=_("station")
    )
    station_name = models.CharField(_("station"), max_length=120)
    town_name = models.CharField(_("town"), max_length=80)
    stars = models.PositiveSmallIntegerField(_("stars"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["award_year", "-stars", "town_name", "station_name"]
        verbose_name = _("award list line")
        verbose_name_plural = _("award list lines")
        constraints = [
            models.UniqueConstraint(
                fields=["award_year", "station"], name="award_line_one_per_station"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_year} {self.station_name}: {self.amount}"


class AwardEvent(AppendOnlyModel):
    """Who set a year's amounts (from what to what) or locked it: appended, never changed."""

    class Kind(models.TextChoices):
        AMOUNTS_SET = "amounts", _("amounts set")
        LOCKED = "locked", pgettext_lazy("award", "locked")

    award_year = models.ForeignKey(
        AwardYear, on_delete=models.PROTECT, related_name="events", verbose_name=_("award year")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # Amounts as {"5": "3000.00", …} (a level without an amount is left out); for the lock,
    # the number of stations and the total written into the award list.
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
        verbose_name = _("award change")
        verbose_name_plural = _("award changes")

    def __str__(self) -> str:
        return f"{self.award_year} {self.get_kind_display()}"

    @staticmethod
    def state_text(state) -> str:
        """A before or after as the history shows it: "5★ 3000.00 · 4★ …" or the list's
        size and total."""
        if not state:
            return "—"
        if "total" in state:
            return _("%(stations)s stations, %(total)s yuan") % state
        return " · ".join(f"{stars}★ {amount}" for stars, amount in sorted(state.items())[::-1])

    @property
    def before_text(self) -> str:
        return self.state_text(self.before)

    @property
    def after_text(self) -> str:
        return self.state_text(self.after)
