"""The holes the accusation sweep (test_accusation_sweep.py) found, each with its own test:
someone an accusation names who also holds another role (county staff in the accused unit,
the accused representative in the unit handling it, the representative it was addressed
to) heard of it by notice and e-mail, read its records in the administration, or earned a
points entry that shows its tracking number (信访工作条例 Art. 30)."""

import pytest
from django.core import mail
from django.urls import reverse

from petitions import workflow
from petitions.models import Notification, PersonalDataView, Petition
from petitions.notifications import unread_count
from points.models import PointEntry
from tests.base import county_staff_group, make_county_staff, make_world, receive
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db

TEXT = "检举某站所负责人在补助发放中优亲厚友。"


@pytest.fixture
def world():
    return make_world(clerks=True)


def _accusation(world, **fields):
    petition, _ = receive(world, text=TEXT, category=world.accusation, **fields)
    return petition


def _carry_to_a_result(world, petition, unit, member=None):
    workflow.petition_collect(
        petition=petition,
        actor=world.county,
        category=world.accusation,
        level=Petition.Level.COUNTY,
        town=world.town_a,
    )
    workflow.petition_assign(petition=petition, actor=world.county, unit=unit)
    member = member or unit.members.order_by("pk").first()
    workflow.petition_accept(petition=petition, actor=member)
    workflow.petition_report(
        petition=petition, actor=member, result="已查实并处理。", outcome=Petition.Outcome.SOLVED
    )
    return petition


def _notices_and_mail_of(user, petition):
    notices = list(Notification.objects.filter(recipient=user, petition=petition))
    mails = [m for m in mail.outbox if user.email and user.email in m.to]
    return notices, mails


def test_county_staff_in_the_accused_unit_hear_nothing_of_it(
    world, django_capture_on_commit_callbacks
):
    world.county_clerk.email = "clerk@example.cn"
    world.county_clerk.save(update_fields=["email"])
    world.unit.members.add(world.county_clerk)
    other_clerk = make_county_staff("other_clerk")
    with django_capture_on_commit_callbacks(execute=True):
        petition = _accusation(world, accused_unit=world.unit)
        _carry_to_a_result(world, petition, world.other_unit)

    assert _notices_and_mail_of(world.county_clerk, petition) == ([], [])
    # Other county staff hear of it as before: on receipt and on the result.
    assert Notification.objects.filter(recipient=other_clerk, petition=petition).count() == 2


def test_the_accused_representative_in_the_handling_unit_hears_nothing_of_it(
    world, django_capture_on_commit_callbacks
):
    world.rep_b_user.email = "rep_b@example.cn"
    world.rep_b_user.save(update_fields=["email"])
    world.other_unit.members.add(world.rep_b_user)
    with django_capture_on_commit_callbacks(execute=True):
        petition = _accusation(world, accused_representative=world.rep_b)
        _carry_to_a_result(world, petition, world.other_unit, world.other_unit_user)
        workflow.petition_survey(petition=petition, rating="unsatisfied")

    assert _notices_and_mail_of(world.rep_b_user, petition) == ([], [])
    # The unit's other member is told of the assignment and the reopening.
    assert (
        Notification.objects.filter(recipient=world.other_unit_user, petition=petition).count() == 2
    )


def test_an_accusation_addressed_to_the_representative_it_accuses_earns_them_no_points(world):
    petition = _accusation(world, rep=world.rep_a, accused_representative=world.rep_a)
    _carry_to_a_result(world, petition, world.unit)
    workflow.petition_survey(petition=petition, rating="satisfied")

    assert not PointEntry.objects.filter(representative=world.rep_a).exists()
    assert not PointEntry.objects.filter(description__contains=petition.tracking_no).exists()


def test_a_concern_addressed_to_a_representative_still_earns_them_points(world):
    """The rule above is about the accused only: the usual entry is still made."""
    petition, _ = receive(world, rep=world.rep_a)
    workflow.petition_collect(
        petition=petition,
        actor=world.county,
        category=world.category,
        level="county",
        town=world.town_a,
    )
    workflow.petition_assign(petition=petition, actor=world.county, unit=world.unit)
    workflow.petition_accept(petition=petition, actor=world.unit_user)
    workflow.petition_report(
        petition=petition, actor=world.unit_user, result="已修复。", outcome=Petition.Outcome.SOLVED
    )
    assert PointEntry.objects.filter(representative=world.rep_a, source_id=petition.pk).exists()


@pytest.mark.parametrize(
    "model", ["petitions.Notification", "petitions.Survey", "petitions.PersonalDataView"]
)
def test_county_staff_in_the_accused_unit_find_none_of_its_records_in_the_admin(
    client, world, model
):
    clerk = world.county_clerk
    world.unit.members.add(clerk)
    petition = _accusation(
        world, accused_unit=world.unit, citizen_name="王某", citizen_phone="13812345678"
    )
    _carry_to_a_result(world, petition, world.other_unit)
    workflow.petition_survey(petition=petition, rating="satisfied")
    PersonalDataView.objects.create(user=world.county, petition=petition, where="admin")
    plain, _ = receive(world)
    PersonalDataView.objects.create(user=world.county, petition=plain, where="admin")
    assert Notification.objects.filter(petition=petition).exists()

    client.force_login(clerk)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert petition.tracking_no not in response.content.decode()
    # Found by its number: nothing (the search box itself shows the number typed).
    response = client.get(admin_url(model, "changelist"), {"q": petition.tracking_no})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    # Other county staff still see them all.
    client.force_login(make_county_staff("county_clerk_2", group=county_staff_group()))
    assert petition.tracking_no in client.get(admin_url(model, "changelist")).content.decode()


def test_the_notices_page_of_county_staff_in_the_accused_unit_shows_nothing_of_it(client, world):
    world.unit.members.add(world.county_clerk)
    petition = _accusation(world, accused_unit=world.unit)
    client.force_login(world.county_clerk)
    response = client.get(reverse("petitions:notices"))
    assert response.status_code == 200
    assert petition.tracking_no not in response.content.decode()


def test_a_notice_from_before_the_accused_were_named_leaves_their_list(client, world):
    """County staff hear of every accusation on receipt; once its collector names their
    unit, the notice leaves their list, its page and their unread count."""
    world.unit.members.add(world.county_clerk)
    petition = _accusation(world)
    notice = Notification.objects.get(recipient=world.county_clerk, petition=petition)
    client.force_login(world.county_clerk)
    assert petition.tracking_no in client.get(reverse("petitions:notices")).content.decode()

    workflow.petition_collect(
        petition=petition,
        actor=world.county,
        category=world.accusation,
        level=Petition.Level.COUNTY,
        town=world.town_a,
        accused_unit=world.unit,
    )
    response = client.get(reverse("petitions:notices"))
    assert petition.tracking_no not in response.content.decode()
    assert client.get(reverse("petitions:notice", args=[notice.pk])).status_code == 404
    assert unread_count(world.county_clerk) == 0
