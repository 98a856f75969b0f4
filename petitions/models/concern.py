"""Citizens' concerns (群众诉求) and the six-step loop (六步工作法).

Only ``petitions/workflow.py`` changes a petition's step; everything here is the shape of
the data and the invariants the database can hold.
"""

import uuid

from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Right
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.models import (
    Activity,
    HandlingUnit,
    Representative,
    Station,
    Town,
    Village,
    mainland_mobile_validator,
)
from liaison.privacy import mask_phone
from petitions.search import bigram_text


class Category(models.Model):
    """A staff-editable kind of concern (道路交通, 环境卫生 …)."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    is_accusation = models.BooleanField(
        _("accusation (检举控告)"),
        default=False,
        help_text=_(
            "Concerns of this kind are confidential: never shown to the unit or person accused."
        ),
    )

    # 矛盾纠纷: a concern of such a category can open a mediation (人大代表+和事佬).
    is_dispute = models.BooleanField(
        _("dispute (矛盾纠纷)"),
        default=False,
        help_text=_("Concerns of this kind can be mediated by representatives."),
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """A public holiday or a make-up working day (调休), which deadlines respect."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("public holiday")
        WORKDAY = "workday", _("make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=30)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("holiday calendar")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CalendarReminder(models.Model):
    """The one e-mail to county staff that next year's holidays are not entered yet: a row
    per year remembers it was sent (the beat job runs daily from 1 November)."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar reminder")
        verbose_name_plural = _("calendar reminders")

    def __str__(self) -> str:
        return str(self.year)


class TrackingCounter(models.Model):
    """The last tracking number handed out each year (ZS-2026-000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Step(models.TextChoices):
    RECEIVED = "received", _("received")
    COLLECTED = "collected", _("collected")
    ASSIGNED = "assigned", _("assigned")
    SUPERVISING = "supervising", _("supervising")
    REPORTED = "reported", _("reported")
    SURVEYED = "surveyed", _("surveyed")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("not accepted")
    MERGED = "merged", _("merged")


# Step groups, named once for queries, the action table, templates and points.
OPEN_STEPS = (Step.RECEIVED, Step.COLLECTED, Step.ASSIGNED, Step.SUPERVISING, Step.REPORTED)
HANDLING_STEPS = (Step.ASSIGNED, Step.SUPERVISING)  # with a unit, against a deadline
RESULT_STEPS = (Step.REPORTED, Step.SURVEYED, Step.CLOSED)  # a result was reported
DROPPED_STEPS = (Step.REJECTED, Step.MERGED)  # ended without a result of its own
# 0 for a concern a unit must act on now, 1 for the rest: a unit's list puts these first.
OPEN_FIRST = Case(
    When(step__in=HANDLING_STEPS, then=Value(0)), default=Value(1), output_field=IntegerField()
)


class Rating(models.TextChoices):
    """A citizen's rating of a result (满意度测评)."""

    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


# Limits fixed by law: constants shared by the workflow and the constraints below, never
# settings (a larger setting would turn the database's refusal into a server error).
MAX_REOPENS = 2  # 不满意 sends a concern back to supervising at most twice (MISSION.md)
MAX_EXTENSION_DAYS = 30  # one extension of at most 30 days (信访工作条例 Art. 34)


class ExtensionStatus(models.TextChoices):
    """A unit's request for more time (信访工作条例 Art. 34): asked once, then answered."""

    NONE = "", _("none")
    REQUESTED = "requested", _("requested")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class PetitionQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # Derived columns are filled here as ``Petition.save`` fills them (bulk_create does
        # not call save): the search index must never miss a concern loaded in bulk.
        objs = list(objs)
        for obj in objs:
            obj.search_bigrams = bigram_text(obj.text)
        return super().bulk_create(objs, *args, **kwargs)


class Petition(models.Model):
    """A citizen's concern, whatever its channel."""

    class Channel(models.TextChoices):
        QR = "qr", _("representative's QR code")
        STATION_PAGE = "station_page", _("station's online page")
        RECEPTION = "reception", _("reception at a station")
        OUTREACH = "outreach", _("outreach visit")
        SNAPSHOT = "snapshot", _("representative's snapshot (随手拍)")
        ACTIVITY = "activity", _("congress activity")
        PETITION_HALL = "petition_hall", _("petition hall")
        PHONE = "phone", _("phone call")
        LETTER = "letter", _("letter")
        HOTLINE = "hotline_12345", _("12345 hotline")

    class Level(models.TextChoices):
        TOWN = "town", _("town level")
        COUNTY = "county", _("county level")

    class Outcome(models.TextChoices):
        SOLVED = "solved", _("solved")
        ANSWERED = "answered", _("answered, not solved")
        NOT_REMIT = "not_remit", _("not this unit's remit")
        DUPLICATE = "duplicate", _("duplicate")
        REFERRED = "referred", _("referred elsewhere")

    class Warning(models.TextChoices):
        NONE = "", _("none")
        YELLOW = "yellow", _("yellow: deadline near")
        RED = "red", _("red: overdue")

    tracking_no = models.CharField(_("tracking number"), max_length=20, unique=True)
    # The secret tracking link's token is never stored, only its SHA-256.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The form's one-time key: a replayed or double-tapped form finds its petition here.
    submit_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    step = models.CharField(
        _("step"), max_length=12, choices=Step.choices, default=Step.RECEIVED, editable=False
    )
    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("representative"),
    )
    station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("station"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("category"),
    )
    text = models.TextField(_("concern"))
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("town"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("village or community"),
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, blank=True)
    citizen_name = models.CharField(_("citizen's name"), max_length=30, blank=True)
    citizen_phone = models.CharField(
        _("citizen's mobile"), max_length=11, blank=True, validators=[mainland_mobile_validator]
    )
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    # Who or what the concern accuses (检举控告): they must never see it.
    accused_unit = models.ForeignKey(
        HandlingUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accused unit"),
    )
    accused_representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accused representative"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_petitions",
        verbose_name=_("common issue"),
    )
    rejection_reason = models.TextField(_("reason not accepted"), blank=True)
    guidance = models.TextField(_("guidance for the citizen"), blank=True)
    unit = models.ForeignKey(
        HandlingUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("handling unit"),
    )
    collect_by = models.DateField(_("decide acceptance by"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # A limit that fell in a year whose holidays were not entered was reckoned on weekends
    # only: marked so on every page that shows it (按周末估算，节假日未录入), until staff enter
    # that year (``petitions.calendar.calendar_year_save`` settles it). A column, not a
    # look-up per row: lists keep their number of queries.
    collect_by_estimated = models.BooleanField(default=False, editable=False)
    deadline_estimated = models.BooleanField(default=False, editable=False)
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    # The unit's request (at most one, 信访工作条例 Art. 34) and county staff's answer; the
    # approved days land in ``extension_days`` and move ``deadline``.
    extension_status = models.CharField(
        _("extension request"),
        max_length=9,
        choices=ExtensionStatus.choices,
        blank=True,
        default="",
        editable=False,
    )
    extension_requested_days = models.PositiveSmallIntegerField(
        _("extension asked (days)"), default=0, editable=False
    )
    # 督办 of a red card: shown to the citizen as "督办中" (nobody named), the unit's count of
    # public notices (通报) for the statistics, and the standing committee's flag (挂牌督办).
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True, editable=False)
    public_notice_count = models.PositiveSmallIntegerField(
        _("public notices (通报)"), default=0, editable=False
    )
    is_flagged = models.BooleanField(
        _("flagged for the standing committee"), default=False, editable=False
    )
    warning = models.CharField(
        _("warning"), max_length=6, choices=Warning.choices, blank=True, default=""
    )
    result_text = models.TextField(_("result"), blank=True)
    outcome = models.CharField(
        _("closing outcome"), max_length=10, choices=Outcome.choices, blank=True
    )
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The congress activity a concern was raised at (主任接待代表, 代表·局长面对面, 通报工作).
    source_activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("activity it came from"),
    )
    # Answered at the activity itself, by the official present (现场办理, issue #14): set
    # through the workflow when the concern is recorded from an activity, never typed in.
    handled_on_the_spot = models.BooleanField(
        _("handled on the spot"), default=False, editable=False
    )
    # The day the concern reached us, which may be before it was typed in (a letter opened
    # on Monday, entered on Wednesday): the acceptance limit (collect_by) counts from it.
    received_on = models.DateField(_("day received"), default=timezone.localdate)
    # The outreach visit it was raised on (channel ``outreach``); null for other channels.
    # A visit with concerns is never deleted: the concerns are the record.
    visit = models.ForeignKey(
        "petitions.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("visit"),
    )
    # The latest rating (满意度) of the latest survey round, kept by ``workflow.petition_survey``
    # beside the Survey rows it summarises: the statistics count it in their one scan
    # instead of looking up every concern's latest survey (issue #12).
    rating = models.CharField(
        _("latest rating"), max_length=12, choices=Rating.choices, blank=True, editable=False
    )
    # 微实事: a small matter solved within its grid (乾佑街道's 网格), counted per grid.
    is_micro_matter = models.BooleanField(_("small matter (微实事)"), default=False)
    # The text's two-character pieces, for the search index (``petitions/search.py``).
    search_bigrams = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        constraints = [
            models.CheckConstraint(
                condition=Q(reopen_count__lte=MAX_REOPENS), name="petition_reopened_at_most_twice"
            ),
            models.CheckConstraint(
                condition=Q(extension_days__lte=MAX_EXTENSION_DAYS),
                name="petition_extension_at_most_30_days",
            ),
            models.CheckConstraint(
                condition=Q(extension_requested_days__lte=MAX_EXTENSION_DAYS),
                name="petition_extension_request_at_most_30_days",
            ),
            models.CheckConstraint(
                condition=~Q(step="merged") | Q(merged_into__isnull=False),
                name="petition_merged_has_target",
            ),
        ]
        indexes = [
            # The overdue job and the units' queues: open petitions by deadline.
            models.Index(
                fields=["deadline"],
                name="petition_open_deadline_idx",
                condition=Q(step__in=HANDLING_STEPS),
            ),
            # Staff queues by step and town.
            models.Index(fields=["step", "town"], name="petition_step_town_idx"),
            # The lists' own order (newest first): a page is read off the index, a deep
            # page's ids too (liaison.paging), without sorting the table.
            models.Index(fields=["-created_at", "-id"], name="petition_newest_idx"),
            # A unit's list (/unit/): its open concerns first, by deadline, then the rest,
            # newest first; the same expression as ``views.unit.unit_queryset``'s order.
            models.Index(
                F("unit"),
                OPEN_FIRST,
                # Ascending: NULLS LAST on PostgreSQL, as the list orders (SQLite's
                # indexes cannot say NULLS LAST).
                F("deadline").asc(),
                F("created_at").desc(),
                F("id").desc(),
                name="petition_unit_queue_idx",
            ),
            # The yellow and red cards (a few in a hundred): the admin's card filter.
            models.Index(fields=["warning"], name="petition_card_idx", condition=~Q(warning="")),
            # Search by the last four digits of the citizen's mobile (admin search).
            models.Index(Right("citizen_phone", 4), name="petition_phone_last4_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_no

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "text" in update_fields:
            self.search_bigrams = bigram_text(self.text)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_bigrams"}
        super().save(*args, **kwargs)

    def get_admin_url(self) -> str:
        return reverse("admin:petitions_petition_change", args=[self.pk])

    @property
    def is_accusation(self) -> bool:
        return bool(self.category_id and self.category.is_accusation)

    @property
    def is_handling(self) -> bool:
        return self.step in HANDLING_STEPS

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.citizen_phone)


def photo_upload_to(instance, filename):
    # Random names only: the original file name never reaches the disk.
    return f"petitions/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.jpg"


def thumbnail_upload_to(instance, filename):
    # Beside the photos, as private as they are: served by the same views only.
    return f"thumbnails/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.jpg"


# A photo's small copy (320 px, petitions/photos.py photo_thumbnail), which the tracking and
# work pages show; the photo itself opens from it. Made on the first request.
def thumbnail_field():
    return models.FileField(
        _("thumbnail"), upload_to=thumbnail_upload_to, blank=True, editable=False
    )


def attachment_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"results/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{ext[:5]}"


class StoredPhoto(models.Model):
    """What every stored photo has (a concern's, a visit's): re-encoded without metadata by
    petitions/photos.py, its size, and its thumbnail; served only by a view after the access
    check. Each kind adds what it belongs to and where its ``image`` is kept."""

    thumbnail = thumbnail_field()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["pk"]


class PetitionPhoto(StoredPhoto):
    """A photo sent with a concern."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="photos", verbose_name=_("concern")
    )
    image = models.FileField(_("photo"), upload_to=photo_upload_to)

    class Meta(StoredPhoto.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"{self.petition} #{self.pk}"


def letter_upload_to(instance, filename):
    return f"letters/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.pdf"


class ScannedLetter(models.Model):
    """A citizen's letter scanned as a PDF, entered by staff with the concern (checked by
    content: ``petitions/intake_forms.py``); staff only, like the citizen's name."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="letters", verbose_name=_("concern")
    )
    file = models.FileField(_("file"), upload_to=letter_upload_to)
    name = models.CharField(_("file name"), max_length=120)
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("scanned letter")
        verbose_name_plural = _("scanned letters")

    def __str__(self) -> str:
        return self.name


class ResultAttachment(models.Model):
    """A file the handling unit attaches to its result."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("concern")
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to)
    name = models.CharField(_("file name"), max_length=120)
    # The unit's choice: shown on the citizen's tracking page (an image re-encoded like the
    # citizens' photos, a PDF as a link), or only to staff, as every attachment was before.
    is_public = models.BooleanField(_("shown to the citizen"), default=False)
    # Of an image shown on the tracking page (petitions/photos.py photo_thumbnail).
    thumbnail = thumbnail_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("result attachment")
        verbose_name_plural = _("result attachments")

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        """A public image is stored re-encoded as JPEG (petitions.photos.clean_photo)."""
        return self.file.name.lower().endswith((".jpg", ".jpeg", ".png"))
