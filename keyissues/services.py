"""The key issues' rules (热点难点问题): every change is one function here, in one
transaction, appending its ``KeyIssueEvent``. Views and the admin call them; nothing else
saves a key issue."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyissues.models import MAX_PER_QUARTER, KeyIssue, KeyIssueEvent, KeyIssueNote
from keyissues.signals import key_issue_concluded
from liaison.models import Station, StationMembership


class KeyIssueError(Exception):
    """A change that may not happen; ``message`` is shown to the user as is."""

    status = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class KeyIssueConflict(KeyIssueError):
    """Someone else changed the issue's state first (the compare-and-set found another)."""

    status = 409

    def __init__(self, message=None):
        super().__init__(
            message
            or _("Someone else has just changed this key issue. Reload the page to see its state.")
        )


def quarter_of(on: date) -> int:
    return (on.month - 1) // 3 + 1


def _state(issue: KeyIssue) -> dict:
    return {
        "title": issue.title,
        "topic": issue.topic,
        "plan": issue.plan,
        "petitions": sorted(issue.petitions.values_list("pk", flat=True)),
        "representatives": sorted(issue.representatives.values_list("pk", flat=True)),
    }


def _event(issue, kind, actor, before=None, after=None) -> KeyIssueEvent:
    return KeyIssueEvent.objects.create(
        issue=issue, kind=kind, actor=actor, before=before, after=after
    )


def _check_members(station: Station, petitions, representatives) -> None:
    """The concerns are the station's and the representatives its members."""
    if any(p.station_id != station.pk for p in petitions):
        raise KeyIssueError(_("Only this station's concerns can be linked to its key issue."))
    # An accusation is confidential (信访工作条例 Art. 30): never part of a common issue.
    if any(p.is_accusation for p in petitions):
        raise KeyIssueError(_("An accusation cannot be linked to a key issue."))
    members = set(
        StationMembership.objects.filter(station=station).values_list(
            "representative_id", flat=True
        )
    )
    if any(r.pk not in members for r in representatives):
        raise KeyIssueError(_("Only representatives of this station can be put on its key issue."))


def _check_period(year: int, quarter: int) -> None:
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise KeyIssueError(_("Choose a quarter from 1 to 4 of a valid year."))


@transaction.atomic
def key_issue_create(
    *,
    station: Station,
    year: int,
    quarter: int,
    title: str,
    topic: str = "",
    plan: str = "",
    petitions=(),
    representatives=(),
    actor,
) -> KeyIssue:
    """Mark a key issue of ``station`` for a quarter: at most two per station and quarter."""
    _check_period(year, quarter)
    # The station's row is locked: two staff adding the third issue at once are taken one
    # after the other, and the second is refused.
    Station.objects.select_for_update().filter(pk=station.pk).first()
    taken = KeyIssue.objects.filter(station=station, year=year, quarter=quarter).count()
    if taken >= MAX_PER_QUARTER:
        raise KeyIssueError(
            _("This station already has %(count)s key issues in this quarter: at most %(max)s.")
            % {"count": taken, "max": MAX_PER_QUARTER}
        )
    petitions, representatives = list(petitions), list(representatives)
    _check_members(station, petitions, representatives)
    issue = KeyIssue.objects.create(
        station=station,
        year=year,
        quarter=quarter,
        title=title.strip(),
        topic=topic.strip(),
        plan=plan.strip(),
        created_by=actor,
    )
    issue.petitions.set(petitions)
    issue.representatives.set(representatives)
    _event(issue, KeyIssueEvent.Kind.CREATED, actor, after=_state(issue))
    return issue


@transaction.atomic
def key_issue_update(
    *, issue: KeyIssue, title: str, topic: str, plan: str, petitions, representatives, actor
) -> KeyIssue:
    """Change an issue's title, description, plan, concerns and representatives."""
    issue = KeyIssue.objects.select_for_update().select_related("station").get(pk=issue.pk)
    petitions, representatives = list(petitions), list(representatives)
    _check_members(issue.station, petitions, representatives)
    before = _state(issue)
    issue.title, issue.topic, issue.plan = title.strip(), topic.strip(), plan.strip()
    issue.save(update_fields=["title", "topic", "plan"])
    issue.petitions.set(petitions)
    issue.representatives.set(representatives)
    after = _state(issue)
    if after != before:
        _event(issue, KeyIssueEvent.Kind.UPDATED, actor, before=before, after=after)
        if before["representatives"] != after["representatives"]:
            # A solved issue's points follow whoever is on it now.
            key_issue_concluded.send(sender=KeyIssue, issue=issue)
    return issue


@transaction.atomic
def key_issue_note_add(*, issue: KeyIssue, text: str, on: date | None = None, actor):
    """Add a progress note to an issue."""
    text = text.strip()
    if not text:
        raise KeyIssueError(_("Write what has been done."))
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise KeyIssueError(_("A progress note cannot be dated in the future."))
    note = KeyIssueNote.objects.create(issue=issue, date=on, text=text, by=actor)
    _event(
        issue,
        KeyIssueEvent.Kind.NOTE_ADDED,
        actor,
        after={"note": note.pk, "date": on.isoformat()},
    )
    return note


@transaction.atomic
def key_issue_conclude(
    *,
    issue: KeyIssue,
    state: str,
    result: str = "",
    result_date: date | None = None,
    actor,
) -> KeyIssue:
    """Move an issue to ``state`` from the state it had when the user saw it (``issue.state``):
    planned, in progress, or concluded as solved or not solved with its result and date.
    Compare-and-set: if someone changed it meanwhile, ``KeyIssueConflict``."""
    if state not in KeyIssue.State.values:
        raise KeyIssueError(_("Choose a valid state."))
    result = result.strip()
    concluded = state in KeyIssue.CONCLUDED
    if concluded:
        if not result:
            raise KeyIssueError(_("Write the result of the key issue."))
        result_date = result_date or timezone.localdate()
        if result_date > timezone.localdate():
            raise KeyIssueError(_("The result date cannot be in the future."))
    else:
        result, result_date = "", None
    if state == issue.state and not concluded:
        return issue
    before = {"state": issue.state, "result": issue.result, "result_date": _iso(issue.result_date)}
    updated = KeyIssue.objects.filter(pk=issue.pk, state=issue.state).update(
        state=state, result=result, result_date=result_date
    )
    if not updated:
        raise KeyIssueConflict()
    issue.refresh_from_db()
    after = {"state": issue.state, "result": issue.result, "result_date": _iso(issue.result_date)}
    _event(issue, KeyIssueEvent.Kind.STATE_CHANGED, actor, before=before, after=after)
    key_issue_concluded.send(sender=KeyIssue, issue=issue)
    return issue


def _iso(on: date | None) -> str | None:
    return on.isoformat() if on else None


def coverage(*, year: int, quarter: int, stations) -> tuple[list, list]:
    """This quarter's stations with no key issue (of ``stations``, the active ones the user
    may see) and the quarter's key issues with their states: two queries."""
    issues = list(
        KeyIssue.objects.filter(year=year, quarter=quarter, station__in=stations)
        .select_related("station__town")
        .order_by("station__town__order", "station__name", "pk")
    )
    covered = {issue.station_id for issue in issues}
    without = [s for s in stations.select_related("town") if s.pk not in covered]
    return without, issues
