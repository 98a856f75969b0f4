"""Towns, villages, liaison stations (人大代表联络站), representatives and star ratings."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from liaison.privacy import VIEW_PLACES, mask_phone

# A mainland China mobile number: 11 digits starting 13–19.
mainland_mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter a valid mainland China mobile number (11 digits).")
)


def new_qr_token() -> str:
    """A URL-safe, unguessable token: 24 random bytes, 192 bits."""
    return secrets.token_urlsafe(24)


class Town(models.Model):
    class Kind(models.TextChoices):
        TOWN = "town", _("town")
        SUBDISTRICT = "subdistrict", _("subdistrict")

    name = models.CharField(_("name"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TOWN)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("town")
        verbose_name_plural = _("towns")

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    class Kind(models.TextChoices):
        VILLAGE = "village", _("village")
        COMMUNITY = "community", _("community")

    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, related_name="villages", verbose_name=_("town")
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.VILLAGE)

    class Meta:
        ordering = ["town__order", "name"]
        verbose_name = _("village or community")
        verbose_name_plural = _("villages and communities")
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="village_unique_name_in_town")
        ]

    def __str__(self) -> str:
        return f"{self.town.name}{self.name}"


class StationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Station(models.Model):
    """A representatives' liaison station. Each has an online twin: its public page."""

    class Kind(models.TextChoices):
        CENTRAL = "central", _("town central station")
        COMMUNITY = "community", _("village or community station")
        POINT = "point", _("village-level liaison point")
        PROFESSIONAL = "professional", _("professional station")

    class Sector(models.TextChoices):
        WELLNESS = "wellness", _("wellness and elderly-care industry")
        HEALTH = "health", _("health")
        AGRICULTURE = "agriculture", _("agriculture and rural affairs")

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("public slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, related_name="stations", verbose_name=_("town")
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stations",
        verbose_name=_("village or community"),
    )
    sector = models.CharField(
        _("sector"),
        max_length=12,
        choices=Sector.choices,
        blank=True,
        help_text=_("Only for professional stations."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    contact_phone = models.CharField(
        _("public contact phone"),
        max_length=20,
        blank=True,
        help_text=_("Shown on the public page. Use an office line, never a private mobile."),
    )
    feature = models.TextField(
        _("station brand (一站一品牌)"),
        blank=True,
        help_text=_("The station's own way of working, shown on its public page."),
    )
    photo = models.ImageField(_("photo"), upload_to="stations/", blank=True)
    has_legal_service_room = models.BooleanField(_("has a legal-service room"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    qr_token = models.CharField(
        _("QR token"), max_length=64, unique=True, default=new_qr_token, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        ordering = ["town__order", "kind", "name"]
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")
        constraints = [
            # Only professional stations have a sector, and every one of them has one.
            models.CheckConstraint(
                condition=(models.Q(kind="professional") & ~models.Q(sector=""))
                | (~models.Q(kind="professional") & models.Q(sector="")),
                name="station_sector_only_for_professional",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("liaison:station_detail", args=[self.slug])

    def get_qr_path(self) -> str:
        return reverse("liaison:station_qr_page", args=[self.qr_token])

    @property
    def qr_url(self) -> str:
        """The absolute URL this station's QR code encodes."""
        return settings.SITE_URL + self.get_qr_path()


class RepresentativeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Representative(models.Model):
    """A people's congress deputy (人大代表) of any of the five levels."""

    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National People's Congress")
        PROVINCIAL = "provincial", _("provincial people's congress")
        MUNICIPAL = "municipal", _("municipal people's congress")
        COUNTY = "county", _("county people's congress")
        TOWNSHIP = "township", _("township people's congress")

    name = models.CharField(_("full name"), max_length=30)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    term = models.CharField(_("term (届次)"), max_length=30, help_text=_("For example 第十九届."))
    occupation = models.CharField(_("unit and post"), max_length=100, blank=True)
    photo = models.ImageField(_("photo"), upload_to="representatives/", blank=True)
    bio = models.TextField(_("public biography"), blank=True)
    mobile = models.CharField(
        _("private mobile phone"),
        max_length=11,
        blank=True,
        validators=[mainland_mobile_validator],
        help_text=_("Never shown on a public page."),
    )
    stations = models.ManyToManyField(
        Station,
        through="StationMembership",
        related_name="representatives",
        verbose_name=_("stations"),
        blank=True,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="representative",
        verbose_name=_("user account"),
    )
    qr_token = models.CharField(
        _("QR token"), max_length=64, unique=True, default=new_qr_token, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        indexes = [models.Index(fields=["level", "is_active"], name="rep_level_active_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("liaison:representative_detail", args=[self.qr_token])

    @property
    def qr_url(self) -> str:
        """The absolute URL this representative's QR code (一人一码) encodes."""
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)


class StationMembership(models.Model):
    """A representative's seat at a station (进站代表)."""

    class Role(models.TextChoices):
        HEAD = "head", _("station head")
        DEPUTY_HEAD = "deputy_head", _("deputy station head")
        MEMBER = "member", _("station representative")

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("station")
    )
    representative = models.ForeignKey(
        Representative,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("representative"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    duty_hours = models.CharField(
        _("duty hours at this station"),
        max_length=120,
        blank=True,
        help_text=_("For example: the 15th of every month, 9:00–12:00."),
    )

    class Meta:
        ordering = ["station", "role", "representative__name"]
        verbose_name = _("station membership")
        verbose_name_plural = _("station memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "representative"], name="membership_unique_per_station"
            )
        ]

    def __str__(self) -> str:
        return f"{self.representative} @ {self.station}"


class RetiredQrToken(models.Model):
    """A QR token that was replaced. Its URL shows a friendly "replaced" page.

    Deliberately holds no link to whom it belonged: the old URL must never lead to
    anybody's data, not even through a join.
    """

    class Kind(models.TextChoices):
        REPRESENTATIVE = "representative", _("representative")
        STATION = "station", _("station")

    token = models.CharField(_("token"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    retired_at = models.DateTimeField(_("retired at"), auto_now_add=True)

    class Meta:
        verbose_name = _("retired QR token")
        verbose_name_plural = _("retired QR tokens")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.retired_at:%Y-%m-%d}"


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
        if self.criterion_id and self.score is not None and self.score > self.criterion.max_score:
            raise ValidationError(
                {
                    "score": _("At most %(max)s points for this criterion.")
                    % {"max": self.criterion.max_score}
                }
            )


# --- who a user is: staff scopes and handling units ----------------------------------------


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
    """Which petitions a staff member works on: the whole county, one town or one station."""

    class Level(models.TextChoices):
        COUNTY = "county", _("county congress staff")
        TOWN = "town", _("town congress staff")
        STATION = "station", _("station staff")

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
                | Q(level="station", station__isnull=False),
                name="staffscope_fields_match_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_level_display()}"


# --- duty rosters (接待日) ------------------------------------------------------------------


class DutyDay(models.Model):
    """A reception day (接待日) at a station, with its roster planned in advance."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="duty_days", verbose_name=_("station")
    )
    date = models.DateField(_("date"), db_index=True)
    hours = models.CharField(_("hours"), max_length=40, default="9:00–12:00")
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["date", "station"]
        verbose_name = _("duty day")
        verbose_name_plural = _("duty days")
        # Created by the points app; a roster describes a station, so it lives here now.
        db_table = "points_dutyday"
        constraints = [
            models.UniqueConstraint(
                fields=["station", "date"], name="dutyday_once_per_station_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.date}"


class DutyShift(models.Model):
    """A representative on a duty day's roster; ``served`` once they sat it."""

    duty_day = models.ForeignKey(
        DutyDay, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("duty day")
    )
    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        related_name="duty_shifts",
        verbose_name=_("representative"),
    )
    served = models.BooleanField(_("served"), default=False)

    class Meta:
        ordering = ["duty_day__date"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        db_table = "points_dutyshift"
        constraints = [
            models.UniqueConstraint(
                fields=["duty_day", "representative"], name="dutyshift_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.representative} @ {self.duty_day}"


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
    where = models.CharField(_("where"), max_length=40, choices=VIEW_PLACES)

    class Meta:
        ordering = ["-viewed_at"]
        verbose_name = _("mobile number view")
        verbose_name_plural = _("mobile number views")

    def __str__(self) -> str:
        return f"{self.user} {self.representative} {self.viewed_at:%Y-%m-%d %H:%M}"
