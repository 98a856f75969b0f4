"""The key issues' services: the two-per-quarter limit, compare-and-set, events, notes."""

import threading

import pytest
from django.db import connection

from keyissues import services
from keyissues.models import AuditRowImmutable, KeyIssue, KeyIssueEvent
from tests.base import make_representative, make_world, receive
from tests.helpers import tr
from tests.keyissues.helpers import make_issue, solve, this_quarter

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_it_creates_an_issue_with_its_event(world):
    petition, _ = receive(world)
    issue = make_issue(world, petitions=[petition])
    assert list(issue.petitions.all()) == [petition]
    assert list(issue.representatives.all()) == [world.rep_a]
    event = KeyIssueEvent.objects.get(issue=issue)
    assert event.kind == "created" and event.actor == world.county
    assert event.after["petitions"] == [petition.pk]


def test_it_refuses_a_third_issue_in_a_quarter(world):
    make_issue(world, title="一")
    make_issue(world, title="二")
    with pytest.raises(services.KeyIssueError) as refused:
        make_issue(world, title="三")
    assert "at most" in refused.value.message or "最多" in refused.value.message
    assert KeyIssue.objects.filter(station=world.station_a).count() == 2


def test_it_allows_two_more_in_another_quarter_or_station(world):
    year, quarter = this_quarter()
    make_issue(world, title="一")
    make_issue(world, title="二")
    make_issue(world, title="三", quarter=quarter % 4 + 1)
    make_issue(world, title="四", station=world.station_b)
    assert KeyIssue.objects.count() == 4


def test_it_refuses_another_stations_concern_or_representative(world):
    petition_b, _ = receive(world, rep=world.rep_b)
    with pytest.raises(services.KeyIssueError):
        make_issue(world, petitions=[petition_b])
    with pytest.raises(services.KeyIssueError):
        make_issue(world, reps=[world.rep_b])
    assert not KeyIssue.objects.exists()


def test_it_refuses_an_accusation(world):
    petition, _ = receive(world)
    petition.category = world.accusation
    petition.save(update_fields=["category"])
    with pytest.raises(services.KeyIssueError):
        make_issue(world, petitions=[petition])


def test_it_concludes_compare_and_set(world):
    issue = make_issue(world)
    stale = KeyIssue.objects.get(pk=issue.pk)
    services.key_issue_conclude(issue=issue, state="in_progress", actor=world.county)
    with pytest.raises(services.KeyIssueConflict):
        solve(world, stale)  # it saw "planned", which is no longer so
    issue.refresh_from_db()
    assert issue.state == "in_progress" and issue.result_date is None
    kinds = list(KeyIssueEvent.objects.filter(issue=issue).values_list("kind", flat=True))
    assert sorted(kinds) == ["created", "state_changed"]


def test_it_needs_a_result_to_conclude(world):
    issue = make_issue(world)
    with pytest.raises(services.KeyIssueError) as refused:
        services.key_issue_conclude(issue=issue, state="solved", result=" ", actor=world.county)
    assert refused.value.message == tr("Write the result of the key issue.")
    issue.refresh_from_db()
    assert issue.state == "planned"


def test_it_reopens_and_clears_the_result(world):
    issue = solve(world, make_issue(world))
    services.key_issue_conclude(issue=issue, state="in_progress", actor=world.county)
    issue.refresh_from_db()
    assert (issue.state, issue.result, issue.result_date) == ("in_progress", "", None)


def test_it_adds_a_note_with_its_event(world):
    issue = make_issue(world)
    note = services.key_issue_note_add(issue=issue, text="已走访群众", actor=world.rep_a_user)
    assert note.by == world.rep_a_user
    assert KeyIssueEvent.objects.filter(issue=issue, kind="note_added").count() == 1
    with pytest.raises(services.KeyIssueError):
        services.key_issue_note_add(issue=issue, text="  ", actor=world.rep_a_user)


def test_it_updates_and_records_before_and_after(world):
    issue = make_issue(world)
    other = make_representative(name="丙代表", station=world.station_a)
    services.key_issue_update(
        issue=issue,
        title="新标题",
        topic="",
        plan="新方案",
        petitions=[],
        representatives=[world.rep_a, other],
        actor=world.town_staff_a,
    )
    event = KeyIssueEvent.objects.get(issue=issue, kind="updated")
    assert event.before["title"] == "村道积水" and event.after["title"] == "新标题"
    assert sorted(event.after["representatives"]) == sorted([world.rep_a.pk, other.pk])


def test_events_are_never_changed_or_deleted(world):
    issue = make_issue(world)
    event = KeyIssueEvent.objects.get(issue=issue)
    with pytest.raises(AuditRowImmutable):
        event.save()
    with pytest.raises(AuditRowImmutable):
        event.delete()
    with pytest.raises(AuditRowImmutable):
        KeyIssueEvent.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_two_staff_adding_the_last_slot_at_once_get_one_issue():
    if connection.vendor == "sqlite":
        # SQLite serialises writers itself; the lock is measured on PostgreSQL.
        pytest.skip("row locks need PostgreSQL")
    world = make_world()
    make_issue(world, title="一")
    errors = []

    def add(title):
        try:
            make_issue(world, title=title)
        except services.KeyIssueError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(t,)) for t in ("二", "三")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert KeyIssue.objects.filter(station=world.station_a).count() == 2
    assert len(errors) == 1
