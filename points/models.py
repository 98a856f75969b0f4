"""Performance points (履职积分): rules, activities and attendance, duty days, entries,
appeals, and the year-end reports.

Scoring itself is pure (``points/scoring.py``); changes go through ``points/services/``;
the year-end build is ``points/reports/``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.models import Activity, Representative


class Category(models.TextChoices):
    """The seven categories of 《柞水县人大代表履职积分实施办法》."""

    MEETINGS = "meetings", _("attending meetings")
    TRAINING = "training", _("study and training")
    INSPECTION = "inspection", _("inspections and research")
    PROPOSALS = "proposals", _("proposals and suggestions")
    VOTERS = "voters", _("contacting voters")
    DEEDS = "deeds", _("practical deeds for the people")
    REPORTING = "reporting", _("reporting on duties")


class PointRule(models.Model):
    """One line of the points table, valid from a year on.

    A change next year is a new row with the same code and a later ``applies_from``, so
    last year's totals never change (the year's rule is the latest one not after it).
    """

    code = models.SlugField(_("code"), max_length=40)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    name = models.CharField(_("name"), max_length=120)
    points_first = models.DecimalField(
        _("points for the first item"), max_digits=6, decimal_places=1
    )
    points_further = models.DecimalField(
        _("points for each further item"), max_digits=6, decimal_places=1
    )
    yearly_cap = models.DecimalField(
        _("yearly cap"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Empty: no cap (deductions have none)."),
    )
    needs_evidence = models.BooleanField(_("needs evidence"), default=False)
    needs_approval = models.BooleanField(_("needs approval"), default=True)
    claimable = models.BooleanField(
        _("representatives may claim it"),
        default=False,
        help_text=_("Otherwise only the system (attendance, duty days, concerns) or staff add it."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    applies_from = models.PositiveSmallIntegerField(_("applies from year"), default=2000)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code", "-applies_from"]
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")
        constraints = [
            models.UniqueConstraint(fields=["code", "applies_from"], name="pointrule_code_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.applies_from}–)"


class CategoryCap(models.Model):
    """An optional yearly cap on a whole category, from a year on."""

    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    cap = models.DecimalField(_("yearly cap"), max_digits=6, decimal_places=1)
    applies_from = models.PositiveSmallIntegerField(_("applies from year"), default=2000)

    class Meta:
        ordering = ["category", "-applies_from"]
        verbose_name = _("category cap")
        verbose_name_plural = _("category caps")
        constraints = [
            models.UniqueConstraint(fields=["category", "applies_from"], name="categorycap_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ≤ {self.cap}"


class GradeBand(models.Model):
    """A grade by yearly total: the highest band whose minimum the total reaches."""

    name = models.CharField(_("grade"), max_length=20)
    min_total = models.DecimalField(_("minimum total"), max_digits=6, decimal_places=1)
    applies_from = models.PositiveSmallIntegerField(_("applies from year"), default=2000)

    class Meta:
        ordering = ["-applies_from", "-min_total"]
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        constraints = [
            models.UniqueConstraint(fields=["name", "applies_from"], name="gradeband_name_year")
        ]

    def __str__(self) -> str:
        return f"{self.name} ≥ {self.min_total}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        EXCUSED = "excused", _("excused")
        ABSENT = "absent", _("absent")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("activity")
    )
    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("representative"),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    excuse = models.CharField(_("excuse"), max_length=200, blank=True)
    excuse_approved = models.BooleanField(_("excuse approved"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )

    class Meta:
        ordering = ["activity", "representative__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "representative"], name="attendance_once_per_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.representative} · {self.get_status_display()}"


def evidence_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"evidence/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{ext}"


class PointEntry(models.Model):
    """One item of a representative's record: a rule, a date, a quantity, its status, and the
    source that made it, if the system did."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("point entry", "pending")
        APPROVED = "approved", pgettext_lazy("point entry", "approved")
        REJECTED = "rejected", pgettext_lazy("point entry", "rejected")
        # An automatic entry whose source is gone or no longer earns (a deleted attendance,
        # a cancelled activity, an unticked shift): kept for the record, scoring nothing.
        WITHDRAWN = "withdrawn", pgettext_lazy("point entry", "withdrawn")

    class Source(models.TextChoices):
        CLAIM = "", _("claimed by the representative")
        STAFF = "staff", _("entered by staff")
        ATTENDANCE = "attendance", _("attendance")
        DUTY = "duty", _("duty day")
        PETITION = "petition", _("concern carried to a result")
        VISIT = "visit", _("outreach visit")
        # Issue #11, the stations' own work: each kept in step by its app's signal.
        MEDIATION = "mediation", _("successful mediation")
        KEY_ISSUE = "key_issue", _("key issue with a result")
        CONTACT = "contact", _("contact logged (五联系)")
        STUDY = "study", _("study material read")

    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        related_name="point_entries",
        verbose_name=_("representative"),
    )
    rule = models.ForeignKey(
        PointRule, on_delete=models.PROTECT, related_name="entries", verbose_name=_("rule")
    )
    date = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    points = models.DecimalField(
        _("points"),
        max_digits=7,
        decimal_places=1,
        default=0,
        help_text=_("What this item adds, in date order, before the yearly cap."),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    evidence = models.FileField(_("evidence"), upload_to=evidence_upload_to, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, blank=True)
    source_id = models.BigIntegerField(_("source id"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("point entry")
        verbose_name_plural = _("point entries")
        constraints = [
            # A source (an attendance, a duty shift, a concern) counts once per representative.
            models.UniqueConstraint(
                fields=["source", "source_id", "representative"],
                condition=Q(source__in=["attendance", "duty", "petition"]),
                name="pointentry_source_counts_once",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["", "staff"]) | Q(source_id__isnull=False),
                name="pointentry_system_source_has_id",
            ),
        ]
        indexes = [
            # The year-end totals: approved entries of a year, grouped by representative.
            # With what the aggregate reads included, PostgreSQL answers it from the index
            # alone, in order, with no hashing (bench/points_year_end.py).
            models.Index(
                fields=["year", "representative", "rule"],
                name="pointentry_year_rep_rule_idx",
                condition=Q(status="approved"),
                include=["quantity", "source", "source_id"],
            ),
            # The admin's list, newest first (its order, the admin's tie-break included):
            # any page, the last too, walks this index instead of sorting every entry.
            models.Index(fields=["-date", "-id"], name="pointentry_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.representative} {self.rule.name} {self.date}"

    def save(self, *args, **kwargs):
        self.year = self.date.year
        if kwargs.get("update_fields") is not None and "date" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "year"}
        super().save(*args, **kwargs)


class Appeal(models.Model):
    """A representative's one appeal against a rejected entry, and staff's answer."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("appeal", "open")
        UPHELD = "upheld", _("upheld: entry approved")
        DISMISSED = "dismissed", _("dismissed")

    entry = models.OneToOneField(
        PointEntry, on_delete=models.CASCADE, related_name="appeal", verbose_name=_("entry")
    )
    text = models.TextField(_("appeal"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.entry} · {self.get_status_display()}"


class AuditRowImmutable(Exception):
    """An audit row was to be changed or deleted: the trail is append-only."""


class PointAuditQuerySet(models.QuerySet):
    """Rows are added, never changed or removed, not even in bulk."""

    def update(self, **kwargs):
        raise AuditRowImmutable("Points audit rows are never changed.")

    def delete(self):
        raise AuditRowImmutable("Points audit rows are never deleted.")

    def with_rule_names(self):
        """Each row with the names of the rules its before and after name by code
        (``rule_before_name``, ``rule_after_name``): subqueries, so a list of rows costs one
        query. The latest row of a code names it."""

        def name_of(side):
            return Subquery(
                PointRule.objects.filter(code=KeyTextTransform("rule", OuterRef(side)))
                .order_by("-applies_from")
                .values("name")[:1]
            )

        return self.annotate(rule_before_name=name_of("before"), rule_after_name=name_of("after"))


# The order an audit row lists what it changed in: what a reader looks for first.
AUDIT_FIELD_ORDER = {
    name: i for i, name in enumerate(["status", "rule", "date", "quantity", "points"])
}


class PointAudit(models.Model):
    """One change to points data, appended by the service that made it, in the same
    transaction: who (empty for the system), what, on which object, before → after, why."""

    class Action(models.TextChoices):
        ENTRY_CREATED = "entry_created", _("entry added")
        ENTRY_CHANGED = "entry_changed", _("entry moved with its source")
        ENTRY_APPROVED = "entry_approved", _("entry approved")
        ENTRY_REJECTED = "entry_rejected", _("entry rejected")
        ENTRY_APPEALED = "entry_appealed", _("rejection appealed")
        APPEAL_UPHELD = "appeal_upheld", _("appeal upheld")
        APPEAL_DISMISSED = "appeal_dismissed", _("appeal dismissed")
        ENTRY_DELETED = "entry_deleted", _("entry deleted")
        ENTRY_WITHDRAWN = "entry_withdrawn", _("entry withdrawn")
        ENTRY_RESTORED = "entry_restored", _("entry counted again")
        ATTENDANCE_RECORDED = "attendance_recorded", _("attendance recorded")
        EXCUSE_APPROVED = "excuse_approved", _("excuse approved")
        ACTIVITY_CANCELLED = "activity_cancelled", _("activity cancelled")
        DUTY_DAY_CANCELLED = "duty_day_cancelled", _("duty day cancelled")
        ACTIVITY_REINSTATED = "activity_reinstated", _("activity reinstated")
        DUTY_DAY_REINSTATED = "duty_day_reinstated", _("duty day reinstated")

    class Kind(models.TextChoices):
        ENTRY = "entry", _("point entry")
        ATTENDANCE = "attendance", _("attendance")
        ACTIVITY = "activity", _("activity")
        DUTY_DAY = "duty_day", _("duty day")

    # Ids, not foreign keys, for the object: a staff entry may be deleted, and its trail
    # must outlive it.
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    kind = models.CharField(_("object"), max_length=12, choices=Kind.choices)
    object_id = models.BigIntegerField(_("object id"))
    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("representative"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty: the system, following a source."),
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = PointAuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("points audit row")
        verbose_name_plural = _("points audit")
        indexes = [
            # An entry's trail on its admin page, and a representative's trail.
            models.Index(fields=["kind", "object_id"], name="pointaudit_object_idx"),
            models.Index(fields=["representative", "-created_at"], name="pointaudit_rep_idx"),
            # The admin's list, newest first: two rows an entry, so the longest list of all.
            models.Index(fields=["-created_at", "-id"], name="pointaudit_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.get_kind_display()} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditRowImmutable("Points audit rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditRowImmutable("Points audit rows are never deleted.")

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each value the change moved, in a stable order."""
        before, after = self.before or {}, self.after or {}
        # PostgreSQL's jsonb keeps no key order: the order is the audit's own.
        keys = sorted({*before, *after}, key=lambda k: (AUDIT_FIELD_ORDER.get(k, 99), k))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class ReportRun(models.Model):
    """One build of a year's reports; staff watch its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        # Failed, or stopped by staff (the run's error says which).
        FAILED = "failed", pgettext_lazy("report run", "failed")

    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("representatives"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    pdf_done = models.PositiveIntegerField(_("PDFs done"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    workbook = models.FileField(_("county workbook"), upload_to="reports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    ranked_at = models.DateTimeField(_("totals and ranks done"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        constraints = [
            # Two runs of one year at once are refused.
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(status__in=["queued", "running"]),
                name="reportrun_one_active_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_status_display()}"


class AnnualReport(models.Model):
    """A representative's year: points per category, total, ranks, grade, flags, PDF."""

    run = models.ForeignKey(
        ReportRun,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("run"),
        # The unique (run, representative) index serves the look-ups by run: one index
        # fewer to write for every report of a run.
        db_index=False,
    )
    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        related_name="annual_reports",
        verbose_name=_("representative"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    by_category = models.JSONField(_("points per category"), default=dict)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=1)
    rank = models.PositiveIntegerField(_("rank"), default=0)
    rank_in_level = models.PositiveIntegerField(_("rank within level"), default=0)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    flags = models.JSONField(_("flags"), default=list)
    pdf = models.FileField(_("PDF"), upload_to="reports/", blank=True)

    class Meta:
        ordering = ["year", "rank", "representative__name"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            models.UniqueConstraint(fields=["run", "representative"], name="report_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.representative} {self.year}"


class Publication(models.Model):
    """A year whose totals and grades staff have published (代表法 Art. 58)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    run = models.ForeignKey(ReportRun, on_delete=models.PROTECT, verbose_name=_("report run"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return str(self.year)
