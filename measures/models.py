"""What an activity's results are made of beyond its concerns and guests (issue #14).

The concerns raised at an activity are the petitions whose ``source_activity`` it is (their
``level`` says town or county, ``handled_on_the_spot`` whether the official present answered
on the spot); the officials present are its ``ActivityGuest`` rows; the representatives
its ``points.Attendance`` rows. Two things have no home elsewhere: the common issues an
activity found and had researched with a plan (共性问题深入调研、制定解决方案), and the
demonstration sites whose hard problems the standing committee follows (示范点跟踪督办,
挂牌督办).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.models import Activity
from liaison.models.append_only import AppendOnlyModel
from petitions.models import Petition


class ResearchedIssue(models.Model):
    """A common issue (共性问题) an activity raised, researched with a plan to solve it."""

    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        related_name="researched_issues",
        verbose_name=_("activity"),
    )
    title = models.CharField(_("issue"), max_length=120)
    plan = models.TextField(_("plan to solve it"))
    petitions = models.ManyToManyField(
        Petition, blank=True, related_name="+", verbose_name=_("concerns behind it")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("common issue researched")
        verbose_name_plural = _("common issues researched")

    def __str__(self) -> str:
        return self.title


class FollowedSite(models.Model):
    """A demonstration site (示范点) whose hard problems the standing committee follows after
    an activity (挂牌督办)."""

    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        related_name="followed_sites",
        verbose_name=_("activity"),
    )
    name = models.CharField(_("site"), max_length=120)
    problems = models.TextField(_("problems followed"), blank=True)
    is_settled = models.BooleanField(_("settled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("demonstration site followed")
        verbose_name_plural = _("demonstration sites followed")

    def __str__(self) -> str:
        return self.name


class ActivityResultEvent(AppendOnlyModel):
    """One change to an activity's results (a researched issue or a followed site added or
    removed): who, when, what. Appended, never changed or deleted; a removed row's title
    stays here."""

    class Kind(models.TextChoices):
        ISSUE_ADDED = "issue_added", _("common issue researched added")
        ISSUE_REMOVED = "issue_removed", _("common issue researched removed")
        SITE_ADDED = "site_added", _("demonstration site followed added")
        SITE_REMOVED = "site_removed", _("demonstration site followed removed")

    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        related_name="result_events",
        verbose_name=_("activity"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    subject = models.CharField(_("what"), max_length=120)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change to an activity's results")
        verbose_name_plural = _("changes to activities' results")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"
