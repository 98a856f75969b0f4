"""微实事 (issue #11): a grid's representative, or town or county congress staff, marks a
concern from a grid's village as a small matter solved in its grid, from the concern's
work page; a compare-and-set with an event; counted on the grid's public page."""

import uuid

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from petitions import services, workflow
from petitions.errors import TransitionConflict, TransitionNotAllowed
from petitions.models import Petition, PetitionEvent
from tests.base import make_representative, make_station, make_user, make_village, make_world
from tests.helpers import page_text, tr
from tests.liaison.grid_helpers import make_grid

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def grid_rep_user(world):
    user = make_user("grid_rep")
    make_representative(name="网格代表", station=make_station(world.town_a), user=user)
    return user


@pytest.fixture
def grid(world, grid_rep_user):
    return make_grid(
        world.town_a,
        station=world.station_a,
        villages=[make_village(world.town_a, name="网格村")],
        representatives=[grid_rep_user.representative],
    )


def _concern(world, village):
    petition, _token, _created = services.petition_receive(
        channel=Petition.Channel.PHONE,
        text="网格内一处路灯不亮。",
        village=village,
        town=village.town,
        consent=True,
        submit_key=uuid.uuid4(),
        entered_by=world.county,
    )
    return petition


@pytest.fixture
def concern(world, grid):
    return _concern(world, grid.villages.get())


def _mark(client, petition, *, on=True, was=False):
    url = reverse("petitions:work_action", args=[petition.pk, "micro_matter"])
    data = {"was": "True" if was else "False"}
    if on:
        data["is_micro_matter"] = "on"
    return client.post(url, data)


def test_the_grid_representative_marks_a_small_matter(client, concern, grid_rep_user):
    client.force_login(grid_rep_user)
    page = client.get(reverse("petitions:work_detail", args=[concern.pk]))
    assert tr("Small matter (微实事)") in page_text(page)
    response = _mark(client, concern)
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.is_micro_matter
    event = concern.events.get(action="micro_matter")
    assert event.kind == PetitionEvent.Kind.NOTE
    assert event.actor == grid_rep_user and not event.is_public
    assert event.from_step == event.to_step == concern.step
    with translation.override(settings.LANGUAGE_CODE):
        assert event.title == tr("small matter (微实事)")


def test_it_unmarks_a_small_matter(client, concern, grid_rep_user):
    client.force_login(grid_rep_user)
    _mark(client, concern)
    response = _mark(client, concern, on=False, was=True)
    assert response.status_code == 302
    concern.refresh_from_db()
    assert not concern.is_micro_matter
    assert concern.events.filter(action="micro_matter").count() == 2


def test_town_and_county_staff_may_mark_it(client, world, concern):
    for user, was in ((world.town_staff_a, False), (world.county, True)):
        client.force_login(user)
        assert _mark(client, concern, on=not was, was=was).status_code == 302
    concern.refresh_from_db()
    assert not concern.is_micro_matter


def test_a_stale_form_is_refused_with_a_conflict(client, concern, grid_rep_user, world):
    workflow.petition_mark_micro_matter(
        petition=concern, actor=world.county, is_micro_matter=True, was=False
    )
    client.force_login(grid_rep_user)
    stale = Petition.objects.get(pk=concern.pk)
    stale.is_micro_matter = False
    with pytest.raises(TransitionConflict):
        workflow.petition_mark_micro_matter(
            petition=stale, actor=grid_rep_user, is_micro_matter=True, was=False
        )
    response = _mark(client, concern, on=True, was=False)
    assert response.status_code == 409
    assert tr("Someone else has just changed this concern. Reload the page to see its state.") in (
        page_text(response)
    )
    assert concern.events.filter(action="micro_matter").count() == 1


def test_nothing_to_change_is_a_message_not_an_error(client, concern, grid_rep_user):
    client.force_login(grid_rep_user)
    response = _mark(client, concern, on=False, was=False)
    assert response.status_code == 400
    assert tr("Nothing to change: the concern is already so.") in page_text(response)
    assert not concern.events.filter(action="micro_matter").exists()


def test_a_concern_outside_any_grid_has_no_such_action(client, world):
    petition = _concern(world, make_village(world.town_a))
    client.force_login(world.town_staff_a)
    page = client.get(reverse("petitions:work_detail", args=[petition.pk]))
    assert tr("Small matter (微实事)") not in page_text(page)
    assert _mark(client, petition).status_code == 403
    petition.refresh_from_db()
    assert not petition.is_micro_matter


def test_an_inactive_grids_concern_has_no_such_action(client, world, grid, concern):
    grid.is_active = False
    grid.save(update_fields=["is_active"])
    with pytest.raises(TransitionNotAllowed):
        workflow.petition_mark_micro_matter(
            petition=concern, actor=world.county, is_micro_matter=True, was=False
        )


def test_others_cannot_mark_it(client, world, concern):
    # Another town's staff, another representative: not theirs at all (404).
    for user in (world.town_staff_b, world.rep_b_user, world.unit_user):
        client.force_login(user)
        assert _mark(client, concern).status_code == 404
    concern.refresh_from_db()
    assert not concern.is_micro_matter


def test_station_staff_see_it_but_may_not_mark_it(client, world, concern):
    # Received at no station: station A's staff do not see it; one received there they see,
    # but marking is for the grid's representatives and town or county staff.
    concern.station = world.station_a
    concern.save(update_fields=["station"])
    client.force_login(world.station_staff_a)
    assert _mark(client, concern).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, concern):
    response = _mark(client, concern)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert (
        client.get(reverse("petitions:work_action", args=[concern.pk, "micro_matter"])).status_code
        == 302
    )


def test_the_grid_page_counts_this_years_small_matters(client, world, grid, concern, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    url = grid.get_absolute_url()
    assert client.get(url).context["micro_matters"] == 0
    assert client.get(url)["X-Public-Cache"] == "hit"
    workflow.petition_mark_micro_matter(
        petition=concern, actor=world.county, is_micro_matter=True, was=False
    )
    # Another grid's small matter is not this grid's.
    other = make_grid(world.town_a)
    elsewhere = _concern(world, other.villages.get())
    workflow.petition_mark_micro_matter(
        petition=elsewhere, actor=world.county, is_micro_matter=True, was=False
    )
    response = client.get(url)
    assert response["X-Public-Cache"] == "miss"
    assert response.context["micro_matters"] == 1
