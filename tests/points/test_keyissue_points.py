"""A key issue with a result moves its representatives' points by the rule ``key_issue``,
traceable to the issue; changed away from solved, or a representative taken off, withdrawn."""

import pytest
from django.utils import timezone

from keyissues import services as keyissue_services
from points import services
from points.models import PointEntry
from tests.base import make_representative, make_world
from tests.keyissues.helpers import make_issue, solve

pytestmark = pytest.mark.django_db


def _progress(rep, year):
    summary = services.year_summary(representative=rep, year=year)
    row = next(r for r in summary["progress"] if r["rule"].code == "key_issue")
    return row["count"], row["points"], summary["total"]


def test_a_solved_key_issue_moves_the_points_by_the_rule():
    world = make_world()
    year = timezone.localdate().year
    count, points, total = _progress(world.rep_a, year)
    assert (count, points) == (0, 0)
    issue = solve(world, make_issue(world))
    count, points, new_total = _progress(world.rep_a, year)
    assert (count, points) == (1, 4)  # the rule's first item: 4 points
    assert new_total == total + 4
    entry = PointEntry.objects.get(representative=world.rep_a, rule__code="key_issue")
    assert entry.source == PointEntry.Source.KEY_ISSUE
    assert entry.source_id == issue.pk
    assert entry.date == issue.result_date
    assert issue.title in entry.description
    assert entry.status == PointEntry.Status.APPROVED


def test_not_solved_earns_nothing():
    world = make_world()
    issue = make_issue(world)
    keyissue_services.key_issue_conclude(
        issue=issue, state="not_solved", result="资金未落实", actor=world.county
    )
    assert not PointEntry.objects.filter(source=PointEntry.Source.KEY_ISSUE).exists()


def test_reopened_the_entry_is_withdrawn_and_counts_again_when_solved_again():
    world = make_world()
    issue = solve(world, make_issue(world))
    keyissue_services.key_issue_conclude(issue=issue, state="in_progress", actor=world.county)
    entry = PointEntry.objects.get(source=PointEntry.Source.KEY_ISSUE, source_id=issue.pk)
    assert entry.status == PointEntry.Status.WITHDRAWN and entry.points == 0
    solve(world, issue)
    entry.refresh_from_db()
    assert entry.status == PointEntry.Status.APPROVED


def test_each_representative_on_it_earns_and_one_taken_off_is_withdrawn():
    world = make_world()
    other = make_representative(name="丙代表", station=world.station_a)
    issue = solve(world, make_issue(world, reps=[world.rep_a, other]))
    assert PointEntry.objects.filter(source_id=issue.pk, source="key_issue").count() == 2
    keyissue_services.key_issue_update(
        issue=issue,
        title=issue.title,
        topic=issue.topic,
        plan=issue.plan,
        petitions=[],
        representatives=[world.rep_a],
        actor=world.county,
    )
    statuses = dict(
        PointEntry.objects.filter(source_id=issue.pk, source="key_issue").values_list(
            "representative_id", "status"
        )
    )
    assert statuses == {world.rep_a.pk: "approved", other.pk: "withdrawn"}
