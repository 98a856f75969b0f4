"""The demo concerns of `load_demo` (issue #3, item 13): handling units, unit and staff
logins, and concerns in every step, channel and outcome, made through the workflow only
(loaded once for the package: see conftest.py)."""

from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demo.logins import (
    COUNTY_STAFF_GROUP,
    DEMO_ADMIN,
    DEMO_COUNTY_STAFF,
    DEMO_REPRESENTATIVE,
    DEMO_TOWN_STAFF,
    DEMO_UNIT,
    TOWN_STAFF_GROUP,
)
from liaison.models import HandlingUnit, StaffScope, Town
from petitions import access
from petitions.models import Petition, PetitionEvent, Reception, Step, Survey
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_it_puts_concerns_in_every_step_and_by_every_channel():
    # The forty scripted concerns, those of issue #11's parts (grids, legal help, mediation)
    # and issue #14's (activities' results, last year's history).
    assert 35 <= Petition.objects.count() <= 100
    steps = set(Petition.objects.values_list("step", flat=True))
    # "surveyed" is a moment, not a resting place: a rating closes or reopens at once.
    assert steps == set(Step.values) - {Step.SURVEYED}
    assert PetitionEvent.objects.filter(to_step=Step.SURVEYED).exists()
    assert set(Petition.objects.values_list("channel", flat=True)) == set(Petition.Channel.values)


def test_it_closes_concerns_with_every_outcome():
    closed = Petition.objects.filter(step=Step.CLOSED)
    assert set(closed.values_list("outcome", flat=True)) == set(Petition.Outcome.values)
    assert closed.filter(surveys__isnull=True).exists()  # closed without a rating, by staff
    assert not Petition.objects.filter(step=Step.MERGED, merged_into__isnull=True).exists()
    assert Petition.objects.filter(step=Step.REJECTED).exclude(guidance="").exists()


def test_it_has_overdue_and_due_soon_concerns():
    today = timezone.localdate()
    red = Petition.objects.filter(warning=Petition.Warning.RED)
    yellow = Petition.objects.filter(warning=Petition.Warning.YELLOW)
    assert red.count() >= 2 and yellow.count() >= 2
    assert all(p.deadline < today for p in red)
    assert all(0 <= (p.deadline - today).days <= settings.PETITION_WARNING_DAYS for p in yellow)
    assert set(red.values_list("step", flat=True)) == {Step.ASSIGNED, Step.SUPERVISING}
    # The cards came from the overdue job, which wrote its events.
    assert PetitionEvent.objects.filter(kind=PetitionEvent.Kind.WARNING, action="red").count() == (
        red.count()
    )


def test_it_has_surveys_including_concerns_reopened_after_unsatisfied():
    assert set(Survey.objects.values_list("rating", flat=True)) == set(Survey.Rating.values)
    assert Survey.objects.filter(by_citizen=False, recorded_by__isnull=False).exists()
    back = Petition.objects.filter(step=Step.SUPERVISING, reopen_count=1)
    assert back.exists()  # unsatisfied, back with the unit
    reopened_then_closed = Petition.objects.filter(step=Step.CLOSED, reopen_count=1).first()
    assert reopened_then_closed is not None
    assert list(reopened_then_closed.surveys.values_list("rating", flat=True)) == [
        Survey.Rating.UNSATISFIED,
        Survey.Rating.SATISFIED,
    ]
    # This year's (last year's history, demo/history.py, has one of its own).
    three_rounds = Petition.objects.filter(created_at__year=timezone.localdate().year).get(
        step=Step.CLOSED, reopen_count=2
    )
    assert list(three_rounds.surveys.values_list("rating", flat=True)) == (
        [Survey.Rating.UNSATISFIED] * 3
    )


def test_every_demo_concern_moved_only_through_the_workflow():
    """Each history starts with its receipt and chains from step to step up to where the
    concern is now: nothing set a step behind the workflow's back."""
    for petition in Petition.objects.prefetch_related("events"):
        moves = [e for e in petition.events.all() if e.kind == PetitionEvent.Kind.TRANSITION]
        assert moves[0].action == "receive" and moves[0].to_step == Step.RECEIVED
        for before, after in zip(moves, moves[1:], strict=False):
            assert after.from_step == before.to_step, petition.tracking_no
        assert moves[-1].to_step == petition.step, petition.tracking_no


def test_it_records_receptions_and_snapshots_as_the_representative_would():
    receptions = Petition.objects.filter(channel=Petition.Channel.RECEPTION)
    assert receptions.exists()
    assert Reception.objects.count() == receptions.count()
    snapshots = Petition.objects.filter(channel=Petition.Channel.SNAPSHOT)
    assert snapshots.exists()
    assert all(p.photos.exists() and p.representative_id for p in snapshots)


def test_it_creates_the_handling_units():
    governments = HandlingUnit.objects.filter(kind=HandlingUnit.Kind.TOWN_GOVERNMENT)
    assert set(governments.values_list("town", flat=True)) == set(
        Town.objects.values_list("pk", flat=True)
    )
    departments = set(
        HandlingUnit.objects.filter(kind=HandlingUnit.Kind.COUNTY_DEPARTMENT).values_list(
            "name", flat=True
        )
    )
    assert len(departments) >= 12
    assert {"柞水县交通运输局", "柞水县民政局", "柞水县公安局"} <= departments
    for kind in (
        HandlingUnit.Kind.GOVERNMENT,
        HandlingUnit.Kind.COURT,
        HandlingUnit.Kind.PROCURATORATE,
    ):
        assert HandlingUnit.objects.filter(kind=kind).count() == 1


def test_it_creates_the_unit_and_staff_logins():
    unit_user = User.objects.get(username=DEMO_UNIT[0])
    assert unit_user.check_password(DEMO_UNIT[1]) and not unit_user.is_staff
    assert list(unit_user.handling_units.values_list("name", flat=True)) == ["柞水县交通运输局"]

    town_staff = User.objects.get(username=DEMO_TOWN_STAFF[0])
    assert town_staff.check_password(DEMO_TOWN_STAFF[1]) and town_staff.is_staff
    assert town_staff.staff_scope.level == StaffScope.Level.TOWN
    assert town_staff.staff_scope.town.name == "乾佑街道"
    assert town_staff.groups.filter(name=TOWN_STAFF_GROUP).exists()
    assert town_staff.has_perms(["petitions.view_petition", "petitions.change_petition"])
    assert not town_staff.has_perm("liaison.add_handlingunit")

    county = User.objects.get(username=DEMO_COUNTY_STAFF[0])
    assert county.check_password(DEMO_COUNTY_STAFF[1]) and county.is_staff
    assert county.staff_scope.level == StaffScope.Level.COUNTY
    assert county.groups.filter(name=COUNTY_STAFF_GROUP).exists()
    assert county.has_perms(["petitions.view_petition", "liaison.add_handlingunit"])

    admin = User.objects.get(username=DEMO_ADMIN[0])
    assert admin.staff_scope.level == StaffScope.Level.COUNTY


def test_it_is_idempotent(demo_second_run):
    first = demo_second_run.before["petitions"]
    assert demo_second_run.after["petitions"] == first
    assert first["petitions"] >= 35


def test_each_demo_login_finds_real_work():
    client = Client()
    assert sign_in(client, DEMO_UNIT[0], DEMO_UNIT[1])
    units = client.get(reverse("petitions:unit_list"))
    assert units.context["counts"]["open"] >= 5
    assert units.context["counts"]["overdue"] >= 1
    assert any(p.warning == "red" for p in units.context["page"].object_list)

    assert sign_in(client, DEMO_REPRESENTATIVE[0], DEMO_REPRESENTATIVE[1])
    tasks = client.get(reverse("petitions:my_tasks"))
    assert all(section["count"] > 0 for section in tasks.context["sections"])
    assert client.get(reverse("petitions:notices")).context["page"].object_list

    town_staff = User.objects.get(username=DEMO_TOWN_STAFF[0])
    visible = access.petitions_for_user(town_staff)
    assert visible.exists()
    qianyou = Town.objects.get(name="乾佑街道")
    assert all(qianyou.pk in (p.town_id, p.station and p.station.town_id) for p in visible)


def test_demo_info_prints_the_new_logins():
    out = StringIO()
    call_command("demo_info", "--base-url", "http://rd.example.cn", stdout=out)
    text = out.getvalue()
    for username, password in (DEMO_UNIT, DEMO_TOWN_STAFF, DEMO_COUNTY_STAFF):
        assert f"{username} / {password}" in text
    assert "http://rd.example.cn" + reverse("petitions:unit_list") in text
    assert "http://rd.example.cn" + reverse("petitions:my_tasks") in text


def test_it_reports_what_it_loaded(demo):
    assert f"{Petition.objects.count()} concerns" in demo
