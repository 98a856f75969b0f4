"""Star ratings of stations (星级评选, the "五个五" standard)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.models.awards import refuse_if_locked
from liaison.models.places import Station


class RatingCriterion(models.Model):
    """One check of the "五个五" star-rating standard."""

    class Group(models.TextChoices):
        FIVE_HAVE = "have", _("Five haves (五有)")
        FIVE_PUBLIC = "public", _("Five public (五公开)")
        FIVE_IN_PLACE = "in_place", _("Five in place (五到位)")
        FIVE_REGULAR = "regular", _("Five regular (五定期)")
        FIVE_RESULTS = "results", _("Five results (五成效)")

    group = models.CharField(_("group"), max_length=10, choices=Group.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), default=4, validators=[MinValueValidator(1)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    is_measured = models.BooleanField(
        _("measured from records"),
        default=False,
        help_text=_(
            "The 五成效 checks are measured from the portal's own records "
            "(concerns, satisfaction, points)."
        ),
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("rating criterion")
        verbose_name_plural = _("rating criteria")

    def __str__(self) -> str:
        return f"{self.get_group_display()} · {self.name}"


class StationRating(models.Model):
    """A station's yearly star rating (星级评选)."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("station")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    total = models.DecimalField(_("total score"), max_digits=6, decimal_places=1, default=0)
    max_total = models.DecimalField(
        _("maximum possible score"), max_digits=6, decimal_places=1, default=0
    )
    stars = models.PositiveSmallIntegerField(
        _("stars"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rater"),
    )
    rated_on = models.DateField(_("date rated"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-year", "station"]
        verbose_name = _("station star rating")
        verbose_name_plural = _("station star ratings")
        constraints = [
            models.UniqueConstraint(fields=["station", "year"], name="rating_one_per_station_year"),
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="rating_stars_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.year}"

    def clean(self):
        # A locked year's awards were paid from these stars (以奖代补): no form saves a
        # rating of a locked year, nor moves one into or out of it.
        refuse_if_locked(self.year)
        if self.pk is not None:
            stored = StationRating.objects.filter(pk=self.pk).values_list("year", flat=True)
            for year in stored:
                if year != self.year:
                    refuse_if_locked(year)


class RatingScore(models.Model):
    """The score a station got on one criterion in one year's rating."""

    rating = models.ForeignKey(
        StationRating, on_delete=models.CASCADE, related_name="scores", verbose_name=_("rating")
    )
    criterion = models.ForeignKey(
        RatingCriterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["criterion__order"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["rating", "criterion"], name="score_one_per_criterion"),
            models.CheckConstraint(condition=models.Q(score__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.name}: {self.score}"

    def clean(self):
        if self.rating_id is not None:
            # The score feeds the rating's stars, and so a locked year's awards.
            refuse_if_locked(self.rating.year)
        if self.criterion_id and self.score is not None and self.score > self.criterion.max_score:
            raise ValidationError(
                {
                    "score": _("At most %(max)s points for this criterion.")
                    % {"max": self.criterion.max_score}
                }
            )
