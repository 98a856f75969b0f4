"""Every change to an activity's results (issue #14, part B): a common issue researched with
a plan, or a demonstration site followed, added or removed. Each is one function, in one
transaction, that appends an ``ActivityResultEvent`` (who, what, when); views only call
them. The figures themselves are counted in ``measures.activities``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison.models import Activity
from measures.models import ActivityResultEvent, FollowedSite, ResearchedIssue
from petitions.models import Petition

Event = ActivityResultEvent.Kind


def _open(activity: Activity) -> None:
    if activity.is_cancelled:
        raise ValidationError(_("This activity was cancelled: its results are not counted."))


def _text(value: str, *, limit: int, required_message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(required_message)
    if len(value) > limit:
        raise ValidationError(_("At most %(limit)d characters, please.") % {"limit": limit})
    return value


def researched_issue_add(
    *, activity: Activity, title: str, plan: str, petitions=(), actor
) -> ResearchedIssue:
    """Record a common issue the activity raised, researched with a plan; ``petitions`` must
    be concerns raised at this activity."""
    _open(activity)
    title = _text(title, limit=120, required_message=_("Name the common issue."))
    plan = _text(plan, limit=5000, required_message=_("Write down the plan to solve it."))
    ids = sorted({p.pk for p in petitions})
    if Petition.objects.filter(pk__in=ids, source_activity=activity).count() != len(ids):
        raise ValidationError(_("Choose only concerns raised at this activity."))
    with transaction.atomic():
        issue = ResearchedIssue.objects.create(
            activity=activity, title=title, plan=plan, created_by=actor
        )
        issue.petitions.set(ids)
        ActivityResultEvent.objects.create(
            activity=activity,
            kind=Event.ISSUE_ADDED,
            subject=title,
            detail={"issue": issue.pk, "petitions": ids},
            actor=actor,
        )
    return issue


def researched_issue_remove(*, issue: ResearchedIssue, actor) -> None:
    """Take a researched issue off its activity's results (the trail keeps its title)."""
    with transaction.atomic():
        ActivityResultEvent.objects.create(
            activity_id=issue.activity_id,
            kind=Event.ISSUE_REMOVED,
            subject=issue.title,
            detail={"issue": issue.pk},
            actor=actor,
        )
        issue.delete()


def followed_site_add(*, activity: Activity, name: str, problems: str = "", actor) -> FollowedSite:
    """Record a demonstration site whose problems the standing committee follows after the
    activity (挂牌督办)."""
    _open(activity)
    name = _text(name, limit=120, required_message=_("Name the demonstration site."))
    problems = (problems or "").strip()
    if len(problems) > 5000:
        raise ValidationError(_("At most %(limit)d characters, please.") % {"limit": 5000})
    with transaction.atomic():
        site = FollowedSite.objects.create(
            activity=activity, name=name, problems=problems, created_by=actor
        )
        ActivityResultEvent.objects.create(
            activity=activity,
            kind=Event.SITE_ADDED,
            subject=name,
            detail={"site": site.pk},
            actor=actor,
        )
    return site


def followed_site_remove(*, site: FollowedSite, actor) -> None:
    """Take a followed site off its activity's results (the trail keeps its name)."""
    with transaction.atomic():
        ActivityResultEvent.objects.create(
            activity_id=site.activity_id,
            kind=Event.SITE_REMOVED,
            subject=site.name,
            detail={"site": site.pk},
            actor=actor,
        )
        site.delete()
