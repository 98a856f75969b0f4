"""Who sees which petition (issue #3, item 6)."""

import pytest
from django.http import Http404

from liaison.models import StaffScope
from petitions import access, errors, workflow
from petitions.models import PersonalDataView, Petition
from tests.base import make_user, make_world, receive, to_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _visible(user):
    return set(access.petitions_for_user(user).values_list("pk", flat=True))


def test_each_persona_sees_exactly_its_scope(world):
    a, _ = receive(world, rep=world.rep_a)
    b, _ = receive(world, rep=world.rep_b)
    to_step(world, b, "assigned")  # to world.unit
    assert _visible(world.county) == {a.pk, b.pk}
    assert _visible(world.town_staff_a) == {a.pk}
    assert _visible(world.town_staff_b) == {b.pk}
    assert _visible(world.station_staff_a) == {a.pk}
    assert _visible(world.rep_a_user) == {a.pk}
    assert _visible(world.rep_b_user) == {b.pk}
    assert _visible(world.unit_user) == {b.pk}
    assert _visible(world.other_unit_user) == set()


@pytest.mark.parametrize("persona", ["rep_b_user", "town_staff_b", "unit_user", "other_unit_user"])
def test_it_answers_404_outside_the_scope_whatever_the_id(world, persona):
    petition, _ = receive(world, rep=world.rep_a)
    user = getattr(world, persona)
    for pk in (petition.pk, str(petition.pk), "abc", -1, 10**30):
        with pytest.raises(Http404):
            access.get_petition_for_user(user, pk)


def test_an_accusation_is_never_visible_to_the_unit_it_accuses(world):
    petition, _ = receive(world)
    to_step(world, petition, "assigned")  # assigned to world.unit
    assert petition.pk in _visible(world.unit_user)
    Petition.objects.filter(pk=petition.pk).update(
        category=world.accusation, accused_unit=world.unit
    )
    assert petition.pk not in _visible(world.unit_user)
    assert petition.pk in _visible(world.county)


def test_an_accusation_is_never_visible_to_the_representative_it_accuses(world):
    petition, _ = receive(world, rep=world.rep_a)
    Petition.objects.filter(pk=petition.pk).update(
        category=world.accusation, accused_representative=world.rep_a
    )
    assert petition.pk not in _visible(world.rep_a_user)
    petition.refresh_from_db()
    assert workflow.allowed_actions(petition, world.rep_a_user) == []


def test_only_county_staff_see_the_full_phone_and_each_view_is_recorded(world):
    petition, _ = receive(world, citizen_phone="13812345678", citizen_name="王小明")
    assert access.phone_for(world.town_staff_a, petition, where="test") == "138****5678"
    assert access.phone_for(world.rep_a_user, petition, where="test") == "138****5678"
    assert access.phone_for(world.county, petition, where="test") == "13812345678"
    seen = list(PersonalDataView.objects.order_by("pk").values_list("user", "petition"))
    assert seen == [
        (world.town_staff_a.pk, petition.pk),
        (world.rep_a_user.pk, petition.pk),
        (world.county.pk, petition.pk),
    ]


def test_a_unit_sees_only_the_citizens_surname(world):
    petition, _ = receive(world, citizen_name="王小明")
    assert access.name_for(world.unit_user, petition) == "王**"
    assert access.name_for(world.rep_a_user, petition) == "王小明"
    assert access.name_for(world.county, petition) == "王小明"


def test_the_tracking_token_finds_its_petition_and_nothing_else(world):
    petition, token = receive(world)
    assert access.get_petition_by_token(token) == petition
    for wrong in ("", token[:-1], token + "x", "x" * 200):
        with pytest.raises(Http404):
            access.get_petition_by_token(wrong)


def test_an_accusation_sent_through_a_representatives_code_is_for_county_staff_only(world):
    from petitions.models import Notification

    petition, _ = receive(world, rep=world.rep_a, category=world.accusation)
    for outsider in (world.rep_a_user, world.town_staff_a, world.station_staff_a):
        assert petition.pk not in _visible(outsider)
        assert workflow.allowed_actions(petition, outsider) == []
    assert petition.pk in _visible(world.county)
    recipients = set(
        Notification.objects.filter(petition=petition).values_list("recipient", flat=True)
    )
    assert recipients == {world.county.pk}
    # County staff assign it to a unit that is not accused: that unit may then see it.
    workflow.petition_collect(
        petition=petition,
        actor=world.county,
        category=world.accusation,
        level="county",
        town=world.town_a,
    )
    workflow.petition_assign(petition=petition, actor=world.county, unit=world.other_unit)
    assert petition.pk in _visible(world.other_unit_user)
    assert petition.pk not in _visible(world.rep_a_user)


def test_station_staff_see_and_act_on_their_members_concerns_received_elsewhere(world):
    """Station staff work on the concerns of their station, including those addressed to
    its representatives wherever they came in: seeing and acting agree (issue #8)."""
    petition, _ = receive(world, rep=world.rep_a, station=world.station_b)
    assert petition.pk in _visible(world.station_staff_a)
    names = {a.name for a in workflow.allowed_actions(petition, world.station_staff_a)}
    assert names == {"collect", "reject", "reply"}
    workflow.petition_collect(
        petition=petition,
        actor=world.station_staff_a,
        category=world.category,
        level="town",
        town=world.town_b,
    )
    assert petition.step == "collected"


def test_county_staff_in_the_accused_unit_neither_see_nor_act_on_the_accusation(world):
    user = make_user("county_in_unit", staff=True)
    StaffScope.objects.create(user=user, level=StaffScope.Level.COUNTY)
    world.unit.members.add(user)
    petition, _ = receive(world, category=world.accusation, accused_unit=world.unit)
    assert petition.pk not in _visible(user)
    assert workflow.allowed_actions(petition, user) == []
    with pytest.raises(errors.TransitionNotAllowed):
        workflow.petition_reject(petition=petition, actor=user, reason="r", guidance="g")
    assert petition.pk in _visible(world.county)
