"""Towns, villages, liaison stations (人大代表联络站), representatives and their QR tokens."""

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from liaison.photo_fields import CleanPhotoField
from liaison.privacy import mask_phone

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
    # Shown across the station's page (at most 640 CSS px wide, 220 high): 960 px is sharp
    # on a phone and about 60–120 KB.
    photo = CleanPhotoField(_("photo"), upload_to="stations/", blank=True, max_side=960)
    has_legal_service_room = models.BooleanField(_("has a legal-service room"), default=False)
    legal_room_hours = models.CharField(
        _("legal-service room opening hours"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the public page when the station has a legal-service room."),
    )
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
    # Shown at 84 × 104 CSS px on the QR page, the citizen's first load (≤ 40 KB in all,
    # tests/test_page_weight.py): 256 px is sharp at a phone's pixel ratio of 2.5.
    photo = CleanPhotoField(_("photo"), upload_to="representatives/", blank=True, max_side=256)
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
