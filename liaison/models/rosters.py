"""Duty rosters (接待日) and congress activities: what a representative attends."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.models.places import Representative, Station


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


class Activity(models.Model):
    """A congress activity whose attendance earns (or costs) points."""

    class Kind(models.TextChoices):
        SESSION = "session", _("people's congress session")
        STANDING_MEETING = "standing_meeting", _("standing committee meeting")
        LECTURE = "lecture", _("人大讲堂 lecture")
        TRAINING = "training", _("other training")
        INSPECTION = "inspection", _("inspection or research")
        LAW_CHECK = "law_check", _("law-enforcement check")
        DIRECTOR_RECEPTION = "director_reception", _("director receives representatives")
        FACE_TO_FACE = "face_to_face", _("representatives meet bureau chiefs")
        BRIEFING = "briefing", _("work briefing")
        OUTREACH = "outreach", _("outreach visit")
        DUTY_REPORT = "duty_report", _("report to voters")
        # The monthly joint reception of petitioners at the county petition hall (a
        # vice-director, a representative, a legal worker and the department heads).
        JOINT_RECEPTION = "joint_reception", _("joint reception at the petition hall")
        # A town's stations' monthly collective study (每月一次代表集体学习).
        COLLECTIVE_STUDY = "collective_study", _("collective study")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    date = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("station"),
    )
    organiser = models.CharField(_("organiser"), max_length=80, blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["-date", "pk"]
        # Created by the points app; petitions (a floor below points) link a concern to the
        # activity it came from, so the model lives here now, its table unchanged.
        db_table = "points_activity"
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class ActivityGuest(models.Model):
    """Someone on an activity's roster who is not a representative: at the county petition
    hall's monthly joint reception (联合接访) a vice-director of the standing committee, a
    legal worker and the heads of the departments concerned sit with a representative. The
    representatives themselves are the activity's attendance rows (``points.Attendance``)."""

    class Kind(models.TextChoices):
        VICE_DIRECTOR = "vice_director", _("vice-director of the standing committee")
        LEGAL_WORKER = "legal_worker", _("legal worker")
        DEPARTMENT_HEAD = "department_head", _("department head")
        OTHER = "other", _("other participant")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="guests", verbose_name=_("activity")
    )
    name = models.CharField(_("full name"), max_length=40)
    post = models.CharField(
        _("post"), max_length=80, blank=True, help_text=_("E.g. 县人大常委会副主任, 县公安局局长.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    # The legal worker's own login, when they have one: their advice on the concerns received
    # at the reception is then theirs in the history.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal worker's login"),
        limit_choices_to={"staff_scope__level": "legal"},
    )

    class Meta:
        ordering = ["activity", "pk"]  # as entered: the vice-director first
        verbose_name = _("participant")
        verbose_name_plural = _("other participants (not representatives)")

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）" if self.post else self.name
