"""Study (线上学): the materials staff publish to representatives (documents, links, 人大讲堂
lectures, laws), who read them on their phone, and the append-only trail of what staff did
to each. What a read earns is the points app's business (it listens to ``signals``)."""

import uuid

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.models import Representative, Station
from liaison.models.append_only import AppendOnlyModel

# The files a material may carry: what staff are sent (PDF, OFD, Word, Excel, PowerPoint
# for a lecture's slides) and photos of printed pages.
MATERIAL_FILE_TYPES = {
    ".pdf",
    ".ofd",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".jpg",
    ".jpeg",
    ".png",
}


def material_upload_to(instance, filename):
    # Random names only, outside the public folders: served by a view after its check.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"study/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{ext[:5]}"


# An official link opens in the representative's browser: http or https only, never a
# javascript: or file: address.
web_url_validator = URLValidator(schemes=["http", "https"])


class Material(models.Model):
    """A study material, a draft until published to its audience."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        LINK = "link", _("web link")
        LECTURE = "lecture", _("人大讲堂 lecture")
        LAW = "law", _("law or regulation")

    class Audience(models.TextChoices):
        ALL = "all", _("all representatives")
        LEVEL = "level", _("representatives of one level")
        STATION = "station", _("the representatives of one station")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    summary = models.TextField(_("summary"), blank=True)
    file = models.FileField(_("file"), upload_to=material_upload_to, blank=True)
    file_name = models.CharField(_("file name"), max_length=120, blank=True, editable=False)
    url = models.URLField(
        _("web link"),
        max_length=500,
        blank=True,
        validators=[web_url_validator],
        help_text=_("The official page, for a law the national law database."),
    )
    lecture_date = models.DateField(_("lecture date"), null=True, blank=True)
    speaker = models.CharField(_("speaker"), max_length=80, blank=True)
    slides = models.FileField(_("slides"), upload_to=material_upload_to, blank=True)
    slides_name = models.CharField(
        _("slides file name"), max_length=120, blank=True, editable=False
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    level = models.CharField(
        _("level"), max_length=12, choices=Representative.Level.choices, blank=True
    )
    station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="study_materials",
        verbose_name=_("station"),
    )
    # Null while a draft; set by material_publish, cleared by material_unpublish.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("study material")
        verbose_name_plural = _("study materials")
        constraints = [
            # The audience names exactly what it needs: a level, a station, or neither.
            models.CheckConstraint(
                condition=(Q(audience="all") & Q(level="") & Q(station__isnull=True))
                | (Q(audience="level") & ~Q(level="") & Q(station__isnull=True))
                | (Q(audience="station") & Q(level="") & Q(station__isnull=False)),
                name="study_material_audience_complete",
            ),
        ]
        indexes = [
            # The representatives' list: published materials, newest first.
            models.Index(fields=["-published_at", "-id"], name="study_material_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def quoted_title(self) -> str:
        """The title in book-title marks (《消防法》), as a record names a document."""
        if self.title.startswith("《"):
            return self.title
        return f"《{self.title}》"


class MaterialRead(models.Model):
    """A representative marked a material read. Once: the pair is unique."""

    material = models.ForeignKey(
        Material, on_delete=models.PROTECT, related_name="reads", verbose_name=_("material")
    )
    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        related_name="material_reads",
        verbose_name=_("representative"),
    )
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        ordering = ["-read_at", "-pk"]
        verbose_name = _("material read")
        verbose_name_plural = _("materials read")
        constraints = [
            # A second tap, or two at once, is no second read (and no second point).
            models.UniqueConstraint(
                fields=["material", "representative"], name="study_read_once_per_material"
            )
        ]

    def __str__(self) -> str:
        return f"{self.representative} · {self.material}"


class MaterialEvent(AppendOnlyModel):
    """What staff did to a material. Appended, never changed, never deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("study material event", "created")
        EDITED = "edited", pgettext_lazy("study material event", "edited")
        PUBLISHED = "published", pgettext_lazy("study material event", "published")
        UNPUBLISHED = "unpublished", pgettext_lazy("study material event", "unpublished")

    material = models.ForeignKey(
        Material, on_delete=models.PROTECT, related_name="events", verbose_name=_("material")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("study material event")
        verbose_name_plural = _("study material events")

    def __str__(self) -> str:
        return f"{self.material} · {self.get_kind_display()}"
