"""Key issues (热点难点问题): each station takes up one or two common issues a quarter (merged
concerns, or a topic), with a plan, the representatives on it, progress notes and a result.
Every change is one service in ``keyissues/services.py`` and appends a ``KeyIssueEvent``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from liaison.models import Representative, Station

# Re-exported: the key issues' trail refuses changes with the shared error.
from liaison.models.append_only import AppendOnlyModel, AuditRowImmutable  # noqa: F401
from petitions.models import Petition

# The seed's rule: "每季度确定1-2个热点难点问题". Shared by the service and the form.
MAX_PER_QUARTER = 2


class KeyIssue(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        SOLVED = "solved", _("solved")
        NOT_SOLVED = "not_solved", _("not solved")

    CONCLUDED = (State.SOLVED, State.NOT_SOLVED)

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="key_issues", verbose_name=_("station")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    title = models.CharField(_("title"), max_length=100)
    topic = models.TextField(_("the issue"), blank=True)
    petitions = models.ManyToManyField(
        Petition,
        related_name="key_issues",
        verbose_name=_("concerns it is about"),
        blank=True,
    )
    plan = models.TextField(_("plan"), blank=True)
    representatives = models.ManyToManyField(
        Representative,
        related_name="key_issues",
        verbose_name=_("representatives on it"),
        blank=True,
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PLANNED
    )
    result = models.TextField(_("result"), blank=True)
    result_date = models.DateField(_("result date"), null=True, blank=True)
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
        ordering = ["-year", "-quarter", "station__town__order", "station__name", "pk"]
        verbose_name = _("key issue")
        verbose_name_plural = _("key issues")
        indexes = [
            # The list's filter and the coverage page: a quarter's issues by station.
            models.Index(fields=["year", "quarter", "station"], name="keyissue_quarter_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="keyissue_quarter_1_to_4"
            ),
            # A concluded issue has its result date; an open one has none.
            models.CheckConstraint(
                condition=(Q(state__in=["solved", "not_solved"]) & Q(result_date__isnull=False))
                | (~Q(state__in=["solved", "not_solved"]) & Q(result_date__isnull=True)),
                name="keyissue_result_date_iff_concluded",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("keyissues:detail", args=[self.pk])

    @property
    def is_concluded(self) -> bool:
        return self.state in self.CONCLUDED


class KeyIssueNote(models.Model):
    """A progress note on a key issue, by a representative on it or by staff."""

    issue = models.ForeignKey(
        KeyIssue, on_delete=models.CASCADE, related_name="notes", verbose_name=_("key issue")
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"


class KeyIssueEvent(AppendOnlyModel):
    """One change to a key issue: who, when, what it was and what it became. Appended, never
    changed or deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        NOTE_ADDED = "note_added", _("progress note added")
        STATE_CHANGED = "state_changed", _("state changed")

    issue = models.ForeignKey(
        KeyIssue, on_delete=models.PROTECT, related_name="events", verbose_name=_("key issue")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("key issue event")
        verbose_name_plural = _("key issue events")

    def __str__(self) -> str:
        return self.get_kind_display()
