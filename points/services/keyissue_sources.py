"""Automatic entries for key issues (热点难点问题): an issue concluded as solved earns each
representative on it one ``key_issue`` entry, dated the result's date; changed away from
solved, or a representative taken off it, the entry is kept as withdrawn."""

from django.db import transaction

from keyissues.models import KeyIssue
from points.models import PointEntry
from points.services.sources import _sync


@transaction.atomic
def key_issue_sync(*, issue: KeyIssue) -> int:
    """Make the issue's entries match it now; returns the number of entries that count."""
    solved = issue.state == KeyIssue.State.SOLVED and issue.result_date is not None
    on_it = {rep.pk: rep for rep in issue.representatives.all()}
    # Those who earned before and are no longer on it (or no longer earn) are withdrawn.
    earlier = (
        PointEntry.objects.filter(source=PointEntry.Source.KEY_ISSUE, source_id=issue.pk)
        .exclude(representative_id__in=list(on_it) if solved else [])
        .select_related("representative")
    )
    for entry in earlier:
        _sync(
            source=PointEntry.Source.KEY_ISSUE,
            source_id=issue.pk,
            representative=entry.representative,
            rule_code=None,
            on=entry.date,
            description=entry.description,
        )
    if not solved:
        return 0
    for rep in on_it.values():
        _sync(
            source=PointEntry.Source.KEY_ISSUE,
            source_id=issue.pk,
            representative=rep,
            rule_code="key_issue",
            on=issue.result_date,
            description=f"{issue.station.name}: {issue.title}"[:200],
        )
    return len(on_it)
