"""One encoding of scope (issue #8, item 3), checked against the whole demo.

For every persona and every concern: "appears in my list" (``access.petitions_for_user``) ⇔
"my detail page opens" (GET of the work page: 200, else 404) ⇔ "the rule says yes"
(``rules.may_see`` judged for that one concern). For every action of ``workflow.ACTIONS``:
"the button is drawn" (``allowed_actions``) ⇔ "the rule says yes" (the step, and the action's
``who``) ⇔ "the transition gets past its check" (no ``TransitionNotAllowed``; each call in a
savepoint that is rolled back).

The personas are every demo user with a role, plus logins the demo does not make (station
staff, more representatives, town staff and units, and people holding two roles at once), and
three accusations, since the demo has none: confidentiality must hold in the lists, the
pages and the transitions alike. The demo's logins are named by username (daibiao, danwei,
zhenjie, xianrenda), not imported: the command's module is moving to its own app.
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from liaison.models import (
    HandlingUnit,
    Representative,
    StaffScope,
    Station,
    StationMembership,
    Town,
)
from liaison.roles import roles_for
from petitions import access, errors, escalation, rules, services, workflow
from petitions.models import Category, Petition, Step
from tests.base import ensure_default_criteria
from zhashui_rd.celery import app as celery_app

pytestmark = pytest.mark.django_db

User = get_user_model()


@dataclass
class Demo:
    personas: list
    petitions: list[Petition]
    category: Category
    units: list[HandlingUnit]


def _login(username, **fields):
    return User.objects.create_user(username=username, password="pw-for-tests-1", **fields)


def _add_accusations():
    """Three accusations (检举控告): through the demo representative's QR code against that
    representative; against a town government and a representative who is also a member of
    the demo unit, assigned by county staff to the demo unit; against the demo unit,
    collected and waiting to be assigned."""
    county = User.objects.get(username="xianrenda")
    accusation, _ = Category.objects.get_or_create(
        name="检举控告", defaults={"is_accusation": True}
    )
    Category.objects.filter(pk=accusation.pk).update(is_accusation=True)
    demo_unit = HandlingUnit.objects.get(members__username="danwei")
    rep = Representative.objects.get(user__username="daibiao")
    rep_station = rep.memberships.order_by("pk").first().station
    town = StaffScope.objects.get(user__username="zhenjie").town
    town_station = Station.objects.filter(town=town).order_by("pk").first()
    town_government = HandlingUnit.objects.get(kind=HandlingUnit.Kind.TOWN_GOVERNMENT, town=town)
    # Two roles at once: the representative an accusation names, in the unit handling it.
    accused_rep = Representative.objects.filter(user__isnull=True, is_active=True).first()
    accused_rep.user = _login("representative-in-demo-unit")
    accused_rep.save(update_fields=["user"])
    demo_unit.members.add(accused_rep.user)

    def receive(**fields):
        petition, _token, _created = services.petition_receive(
            channel=Petition.Channel.QR,
            text="检举某工作人员在项目验收中收受好处。",
            category=accusation,
            consent=True,
            submit_key=uuid.uuid4(),
            **fields,
        )
        return petition

    receive(representative=rep, station=rep_station, accused_representative=rep)
    assigned = receive(
        station=town_station, accused_unit=town_government, accused_representative=accused_rep
    )
    workflow.petition_collect(
        petition=assigned, actor=county, category=accusation, level="county", town=town
    )
    workflow.petition_assign(petition=assigned, actor=county, unit=demo_unit)
    collected = receive(station=town_station, accused_unit=demo_unit)
    workflow.petition_collect(
        petition=collected, actor=county, category=accusation, level="county", town=town
    )


def _first_station(rep):
    return rep.memberships.order_by("pk").first().station


def _add_logins(petitions):
    """Logins for the roles the demo concerns name but the demo gives nobody: few enough to
    keep the matrix quick, chosen so that each way of seeing a concern is exercised."""
    demo_rep = Representative.objects.get(user__username="daibiao")
    demo_station = _first_station(demo_rep)
    # A representative addressed by a concern who sits at two stations, and one addressed by
    # nothing who sits at the demo representative's station (sees what comes in there).
    addressed = {p.representative_id for p in petitions} - {None, demo_rep.pk}
    two_seats = next(
        r
        for r in Representative.objects.filter(pk__in=addressed).order_by("pk")
        if r.memberships.count() > 1
    )
    bystander = (
        Representative.objects.filter(memberships__station=demo_station, user__isnull=True)
        .exclude(pk__in=addressed)
        .first()
    )
    for rep in (two_seats, bystander):
        rep.user = _login(f"representative-{rep.pk}")
        rep.save(update_fields=["user"])
    # Station staff of the demo representative's station (concerns received there, and his
    # sent by no station), and of the other station of the two-seat representative, whose
    # concern came in at the first: theirs only through the membership.
    came_in = {p.station_id for p in petitions if p.representative_id == two_seats.pk}
    other_seat = two_seats.memberships.exclude(station_id__in=came_in).first().station
    for station in (demo_station, other_seat):
        StaffScope.objects.create(
            user=_login(f"station-{station.pk}", is_staff=True),
            level=StaffScope.Level.STATION,
            station=station,
        )
    StaffScope.objects.create(
        user=_login("town-of-the-demo-representative", is_staff=True),
        level=StaffScope.Level.TOWN,
        town=demo_station.town,
    )
    # Units: every unit an accusation names, and the busiest unit without a login.
    units = {p.accused_unit_id for p in petitions} - {None}
    busy = Counter(p.unit_id for p in petitions if p.unit_id is not None)
    units.add(
        next(pk for pk, _n in busy.most_common() if not User.objects.filter(handling_units=pk))
    )
    for unit in HandlingUnit.objects.filter(pk__in=units):
        if not unit.members.exists():
            unit.members.add(_login(f"unit-{unit.pk}"))
    # Two roles at once: county staff who belong to an accused unit; town staff who are
    # also a representative at a station of another town.
    accused_unit = next(p.accused_unit for p in petitions if p.accused_unit_id)
    county_in_unit = _login("county-in-accused-unit", is_staff=True)
    StaffScope.objects.create(user=county_in_unit, level=StaffScope.Level.COUNTY)
    accused_unit.members.add(county_in_unit)
    town_rep = Representative.objects.filter(
        memberships__station=other_seat, user__isnull=True, is_active=True
    ).first()
    town_rep.user = _login("town-staff-and-representative", is_staff=True)
    town_rep.save(update_fields=["user"])
    StaffScope.objects.create(
        user=town_rep.user, level=StaffScope.Level.TOWN, town=demo_station.town
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for the module in a transaction rolled back at its end (the
    function-scoped autouse fixtures of conftest.py have not run yet: media, password
    hashing and eager tasks are set here for the load)."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(
                MEDIA_ROOT=tmp_path_factory.mktemp("media"),
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            ),
            transaction.atomic(),
        ):
            ensure_default_criteria()
            call_command("load_demo", stdout=StringIO())
            _add_accusations()
            petitions = list(Petition.objects.select_related("category").order_by("pk"))
            _add_logins(petitions)
            personas = [u for u in User.objects.order_by("pk") if roles_for(u).is_anyone]
            yield Demo(
                personas=personas,
                petitions=petitions,
                category=Category.objects.filter(is_accusation=False).order_by("pk").first(),
                units=list(HandlingUnit.objects.filter(is_active=True).order_by("pk")),
            )
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager = eager


def _sees(roles, petition) -> bool:
    return rules.judge(roles, petition.pk, {})["see"]


def test_the_demo_has_every_kind_of_persona_and_concern(demo):
    roles = [roles_for(u) for u in demo.personas]
    assert sum(r.county for r in roles) >= 3
    assert sum(r.town_id is not None for r in roles) >= 3
    assert sum(r.station_id is not None for r in roles) >= 2
    assert sum(r.representative_id is not None for r in roles) >= 3
    assert sum(bool(r.unit_ids) for r in roles) >= 3
    steps = {p.step for p in demo.petitions}
    assert steps == set(Step.values) - {Step.SURVEYED}
    assert sum(p.category is not None and p.category.is_accusation for p in demo.petitions) == 3


def test_my_list_my_detail_page_and_the_rule_agree(demo, client):
    disagreements = []
    for user in demo.personas:
        roles = roles_for(user)
        listed = set(access.petitions_for_user(user).values_list("pk", flat=True))
        client.force_login(user)
        for petition in demo.petitions:
            status = client.get(f"/work/petitions/{petition.pk}/").status_code
            assert status in (200, 404), (user.username, petition.pk, status)
            seen = (petition.pk in listed, status == 200, _sees(roles, petition))
            if len(set(seen)) != 1:
                disagreements.append((user.username, petition.pk, seen))
        assert listed, f"{user.username} sees nothing: the matrix would prove little"
    assert disagreements == []


def test_an_accusation_is_seen_only_by_county_staff_and_the_unit_it_is_assigned_to(demo):
    accusations = [p for p in demo.petitions if p.category and p.category.is_accusation]
    for user in demo.personas:
        roles = roles_for(user)
        listed = set(access.petitions_for_user(user).values_list("pk", flat=True))
        for p in accusations:
            accused = p.accused_unit_id in roles.unit_ids or (
                p.accused_representative_id is not None
                and p.accused_representative_id == roles.representative_id
            )
            expected = not accused and (roles.county or p.unit_id in roles.unit_ids)
            assert (p.pk in listed) == expected, (user.username, p.pk)


def test_station_staff_see_the_concerns_addressed_to_their_members_received_elsewhere(demo):
    cases = 0
    for user in demo.personas:
        roles = roles_for(user)
        if roles.station_id is None:
            continue
        members = set(
            StationMembership.objects.filter(station_id=roles.station_id).values_list(
                "representative_id", flat=True
            )
        )
        listed = set(access.petitions_for_user(user).values_list("pk", flat=True))
        for p in demo.petitions:
            if p.representative_id in members and p.station_id != roles.station_id:
                cases += 1
                assert (p.pk in listed) == (not p.category or not p.category.is_accusation)
    assert cases > 0


class _RolledBack(Exception):
    pass


def _calls(demo, petition):
    """Every action, with arguments that are valid if the step and the actor allow it."""
    into = next(
        p
        for p in demo.petitions
        if p.pk != petition.pk and p.step in (Step.RECEIVED, Step.COLLECTED)
    )
    unit = next(u for u in demo.units if u.pk != petition.accused_unit_id)
    return {
        "collect": lambda p, a: workflow.petition_collect(
            petition=p,
            actor=a,
            category=p.category or demo.category,
            level="county",
            town=p.town or Town.objects.first(),
        ),
        "reject": lambda p, a: workflow.petition_reject(
            petition=p, actor=a, reason="不属于人大职责", guidance="请向县信访局反映"
        ),
        "merge": lambda p, a: workflow.petition_merge(petition=p, actor=a, into=into),
        "assign": lambda p, a: workflow.petition_assign(petition=p, actor=a, unit=unit),
        "accept": lambda p, a: workflow.petition_accept(petition=p, actor=a),
        "return": lambda p, a: workflow.petition_return(petition=p, actor=a, reason="非本单位职责"),
        "note": lambda p, a: workflow.petition_add_note(petition=p, actor=a, note="督办"),
        "remind": lambda p, a: workflow.petition_remind(petition=p, actor=a, note="请抓紧"),
        "reply": lambda p, a: workflow.petition_reply(petition=p, actor=a, text="已收到"),
        # The direct extension became a request the county answers (issue 9).
        "request_extension": lambda p, a: escalation.petition_request_extension(
            petition=p, actor=a, days=10, reason="需协调"
        ),
        "approve_extension": lambda p, a: escalation.petition_approve_extension(
            petition=p, actor=a
        ),
        "refuse_extension": lambda p, a: escalation.petition_refuse_extension(
            petition=p, actor=a, reason="理由不足"
        ),
        "urge": lambda p, a: escalation.petition_urge(petition=p, actor=a),
        "interview": lambda p, a: escalation.petition_interview(
            petition=p, actor=a, on=timezone.localdate(), note="约谈局长"
        ),
        "public_notice": lambda p, a: escalation.petition_public_notice(
            petition=p, actor=a, note="全县通报"
        ),
        "flag": lambda p, a: escalation.petition_flag(petition=p, actor=a),
        "report": lambda p, a: workflow.petition_report(
            petition=p, actor=a, result="已办理", outcome=Petition.Outcome.SOLVED
        ),
        "record_survey": lambda p, a: workflow.petition_survey(
            petition=p, actor=a, rating="satisfied"
        ),
        "close": lambda p, a: workflow.petition_close(petition=p, actor=a, note="联系不上"),
        "legal_advice": lambda p, a: workflow.petition_legal_advice(
            petition=p, actor=a, text="可申请人民调解", is_public=True
        ),
        "micro_matter": lambda p, a: workflow.petition_mark_micro_matter(
            petition=p, actor=a, is_micro_matter=not p.is_micro_matter, was=p.is_micro_matter
        ),
    }


def _gets_past_the_check(call, petition_pk, actor) -> bool:
    """Whether the transition accepts ``actor`` (a refusal on the merits, such as a second
    extension, comes after the check and counts as accepted). Nothing it does is kept."""
    passed = None
    try:
        with transaction.atomic():
            try:
                call(Petition.objects.get(pk=petition_pk), actor)
                passed = True
            except errors.TransitionNotAllowed:
                passed = False
            except errors.TransitionConflict:
                raise
            except errors.WorkflowError:
                passed = True
            raise _RolledBack
    except _RolledBack:
        pass
    return passed


def test_the_buttons_the_rules_and_the_transitions_agree(demo):
    assert set(_calls(demo, demo.petitions[0])) == set(workflow.ACTIONS)
    disagreements = []
    acted = 0
    for user in demo.personas:
        roles = roles_for(user)
        for petition in demo.petitions:
            drawn = {a.name for a in workflow.allowed_actions(petition, user)}
            candidates = {
                name: a.who for name, a in workflow.ACTIONS.items() if petition.step in a.from_steps
            }
            verdict = rules.judge(roles, petition.pk, candidates)
            ruled = {name for name in candidates if verdict[name]}
            calls = _calls(demo, petition)
            passed = set()
            for name, spec in workflow.ACTIONS.items():
                if petition.step in spec.from_steps:
                    if _gets_past_the_check(calls[name], petition.pk, user):
                        passed.add(name)
                else:
                    # Refused on the step before anything is written: no savepoint needed.
                    with pytest.raises(errors.TransitionNotAllowed):
                        calls[name](petition, user)
            if not drawn == ruled == passed:
                disagreements.append((user.username, petition.pk, drawn, ruled, passed))
            # Nobody acts on a concern they may not see.
            if drawn and not _sees(roles, petition):
                disagreements.append((user.username, petition.pk, "acts unseen", drawn))
            acted += len(drawn)
    assert disagreements == []
    assert acted > 0


def test_each_rule_filters_a_list_as_it_judges_one_concern(demo):
    """The same rule as a list filter (SQL WHERE) and as one concern's verdict (a CASE
    column): the two agree, NULL columns included."""
    who = {name: a.who for name, a in workflow.ACTIONS.items()}
    disagreements = []
    for user in demo.personas:
        roles = roles_for(user)
        verdicts = {p.pk: rules.judge(roles, p.pk, who) for p in demo.petitions}
        for name in ["see", *who]:
            rule = rules.may_see(roles) if name == "see" else rules.may(roles, who[name])
            listed = set(Petition.objects.filter(rule).values_list("pk", flat=True))
            judged = {pk for pk, verdict in verdicts.items() if verdict[name]}
            if listed != judged:
                disagreements.append((user.username, name, listed ^ judged))
    assert disagreements == []
