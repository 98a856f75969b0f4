"""What the system records about a concern: its history (events, append-only), the
citizen's ratings, notices to staff, reception checklists and who saw a citizen's personal
data. The concern itself is in ``concern.py``."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.models import (
    Representative,
    Station,
)
from liaison.people import display_name
from liaison.privacy import VIEW_PLACES
from petitions.models.concern import MAX_REOPENS, Petition, Rating, Step

# Events whose step or kind does not say what happened (see PetitionEvent.title).
EVENT_ACTION_TITLES = {
    "return": _("returned by the unit as wrongly assigned"),
    "accept": _("acknowledged by the unit"),
    # Not a transition: a note whose kind ("supervision note") would not say what it was.
    "micro_matter": _("small matter (微实事)"),
}


class PetitionEvent(models.Model):
    """One line of a petition's history. Appended, never changed, never deleted."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("step change")
        NOTE = "note", _("supervision note")
        REMINDER = "reminder", _("reminder")
        REPLY = "reply", _("public reply")
        EXTENSION = "extension", _("extension")
        ESCALATION = "escalation", _("escalation (督办)")
        WARNING = "warning", _("deadline warning")
        SURVEY = "survey", _("satisfaction survey")
        # A legal worker's advice (法律咨询), shown to the citizen when marked public.
        LEGAL_ADVICE = "legal_advice", _("legal advice")

    class ActorKind(models.TextChoices):
        USER = "user", _("user")
        CITIZEN = "citizen", _("citizen")
        SYSTEM = "system", _("system")

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="events", verbose_name=_("concern")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    action = models.CharField(_("action"), max_length=20, blank=True)
    from_step = models.CharField(_("from"), max_length=12, choices=Step.choices, blank=True)
    to_step = models.CharField(_("to"), max_length=12, choices=Step.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_kind = models.CharField(_("actor"), max_length=8, choices=ActorKind.choices)
    note = models.TextField(_("note"), blank=True)
    # Shown on the citizen's tracking page.
    is_public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("Petition events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Petition events are append-only.")

    @property
    def title(self) -> str:
        """What happened, in words: a transition by its new step, except where the step alone
        would mislead (a unit's return lands on "collected", its acknowledgement on
        "supervising", an unsatisfied rating sends the concern back to "supervising")."""
        if self.kind != self.Kind.TRANSITION:
            return str(EVENT_ACTION_TITLES.get(self.action) or self.get_kind_display())
        if self.action == "survey" and self.to_step == Step.SUPERVISING:
            return str(_("rated unsatisfied: handled again"))
        if self.action in EVENT_ACTION_TITLES:
            return str(EVENT_ACTION_TITLES[self.action])
        return str(self.get_to_step_display()) if self.to_step else ""


class Survey(models.Model):
    """A satisfaction rating (满意度测评) of a reported result."""

    Rating = Rating

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("concern")
    )
    round = models.PositiveSmallIntegerField(_("round"))
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    by_citizen = models.BooleanField(_("by the citizen"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["petition", "round"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        # The admin's list, newest first (a concern's own ratings use the unique index).
        indexes = [models.Index(fields=["-created_at", "-id"], name="survey_newest_idx")]
        constraints = [
            models.UniqueConstraint(fields=["petition", "round"], name="survey_one_per_round"),
            models.CheckConstraint(
                # The first rating, and one after each reopening.
                condition=Q(round__gte=1, round__lte=MAX_REOPENS + 1),
                name="survey_at_most_three_rounds",
            ),
            models.CheckConstraint(
                condition=Q(by_citizen=True) | Q(recorded_by__isnull=False),
                name="survey_recorded_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition} #{self.round}: {self.get_rating_display()}"


class Notification(models.Model):
    """An in-app notice, and its e-mail, for a representative, a unit member or staff.

    Written in the same transaction as the change it reports, so a Redis outage can delay
    the e-mail but never lose it: undelivered rows are retried by a beat job.
    """

    class EmailStatus(models.TextChoices):
        NONE = "none", _("no e-mail")
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    petition = models.ForeignKey(
        Petition,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("concern"),
    )
    subject = models.CharField(_("subject"), max_length=120)
    body = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=8, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The unread badge.
            models.Index(
                fields=["recipient"],
                name="notification_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
            # The list, newest first.
            models.Index(fields=["-created_at", "-id"], name="notification_newest_idx"),
            # The retry sweep of undelivered e-mail.
            models.Index(
                fields=["created_at"],
                name="notification_email_pending_idx",
                condition=Q(email_status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class Reception(models.Model):
    """A walk-in reception (接待选民) at a station, with the "六个一" checklist.

    It stands on its own: not every visitor raises a concern, so ``petition`` is optional and
    ``matter`` says in a few words what the visitor came about. The first four items are
    ticked at intake; "一个反馈" and "一个满意" are facts about what happened afterwards: with a
    concern they are read from it (its result reported; its latest rating 满意 or 基本满意),
    without one the representative ticks them later on the reception's page."""

    petition = models.OneToOneField(
        Petition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reception",
        verbose_name=_("concern"),
    )
    matter = models.CharField(_("the visitor's matter"), max_length=100, blank=True)
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="receptions", verbose_name=_("station")
    )
    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        related_name="receptions",
        verbose_name=_("representative"),
    )
    smile = models.BooleanField(_("a smiling face (一张笑脸)"), default=False)
    tea = models.BooleanField(_("a cup of hot tea (一杯热茶)"), default=False)
    record = models.BooleanField(_("a written record (一份记录)"), default=False)
    comfort = models.BooleanField(_("a word of comfort (一句安慰)"), default=False)
    # Only for a reception without a concern (see the class docstring).
    feedback = models.BooleanField(_("a feedback (一个反馈)"), default=False)
    satisfied = models.BooleanField(_("a satisfied visitor (一个满意)"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # A double tap or a replayed form records one reception, with or without a concern.
    submit_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    CHECKLIST = ["smile", "tea", "record", "comfort", "feedback", "satisfied"]
    # Ticked at intake; the other two follow from what happens next.
    INTAKE_CHECKLIST = ["smile", "tea", "record", "comfort"]
    SATISFIED_RATINGS = (Rating.SATISFIED, Rating.BASICALLY)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="reception_newest_idx"),
            # A representative's own list, newest first.
            models.Index(
                fields=["representative", "-created_at", "-id"], name="reception_rep_newest_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                # Without a concern, the matter is the only record of why they came.
                condition=Q(petition__isnull=False) | ~Q(matter=""),
                name="reception_has_concern_or_matter",
            ),
        ]
        verbose_name = _("reception")
        verbose_name_plural = _("receptions")

    def __str__(self) -> str:
        return f"{self.station} {self.created_at:%Y-%m-%d}"

    @property
    def has_feedback(self) -> bool:
        """一个反馈: the concern's result was reported (ticked by hand without a concern)."""
        if self.petition_id is None:
            return self.feedback
        return self.petition.reported_at is not None

    @property
    def is_satisfied(self) -> bool:
        """一个满意: the concern's latest rating is 满意 or 基本满意 (by hand without one)."""
        if self.petition_id is None:
            return self.satisfied
        return self.petition.rating in self.SATISFIED_RATINGS

    def checklist_state(self) -> list[tuple[str, bool]]:
        """(label, done) for each of the six items, the last two derived."""
        done = {name: getattr(self, name) for name in self.INTAKE_CHECKLIST}
        done["feedback"], done["satisfied"] = self.has_feedback, self.is_satisfied
        return [(self._meta.get_field(name).verbose_name, done[name]) for name in self.CHECKLIST]


class PersonalDataView(models.Model):
    """A record that a staff member saw a citizen's unmasked phone number."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="+", verbose_name=_("concern")
    )
    viewed_at = models.DateTimeField(_("time"), auto_now_add=True)
    where = models.CharField(_("where"), max_length=40, choices=VIEW_PLACES)

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        # Its list, newest first (every view of a concern's personal data adds a row).
        indexes = [models.Index(fields=["-viewed_at", "-id"], name="personaldataview_newest_idx")]
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")

    def __str__(self) -> str:
        return f"{display_name(self.user)} {self.petition} {self.viewed_at:%Y-%m-%d %H:%M}"
