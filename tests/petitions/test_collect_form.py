"""The collect form (收集问题) on the work page: the collector chooses the level (镇级/县级)
and the kind of concern themselves; nothing is preselected for them (issue 13, item 6), and
a citizen may have left the kind to them (item 4)."""

import re

import pytest
from django.urls import reverse

from petitions.models import Petition, PetitionEvent
from tests.base import make_world, receive
from tests.helpers import page_text, tags, tr

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _collect_form(response) -> str:
    html = response.content.decode()
    return re.search(r'<form[^>]*action="[^"]*/do/collect/".*?</form>', html, re.S).group(0)


def _options(form_html, name) -> list[dict]:
    block = re.search(rf'<select name="{name}".*?</select>', form_html, re.S).group(0)
    return tags(block, "option")


def _post(client, petition, **fields):
    return client.post(reverse("petitions:work_action", args=[petition.pk, "collect"]), fields)


@pytest.mark.parametrize("persona", ["county", "rep_a_user"])
def test_it_offers_the_level_with_nothing_chosen(client, world, persona):
    petition, _ = receive(world)
    client.force_login(getattr(world, persona))
    response = client.get(reverse("petitions:work_detail", args=[petition.pk]))

    assert response.status_code == 200
    options = _options(_collect_form(response), "level")
    assert [o["value"] for o in options] == ["", *Petition.Level.values]
    assert [o["value"] for o in options if "selected" in o] == [""]
    # A citizen who left the kind to the collector: nothing chosen there either.
    assert [
        o["value"] for o in _options(_collect_form(response), "category") if "selected" in o
    ] == [""]


def test_it_keeps_the_kind_the_citizen_chose(client, world):
    petition, _ = receive(world, category=world.category)
    client.force_login(world.county)
    response = client.get(reverse("petitions:work_detail", args=[petition.pk]))
    selected = [
        o["value"] for o in _options(_collect_form(response), "category") if "selected" in o
    ]
    assert selected == [str(world.category.pk)]


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("level", "Choose town level or county level."),
        ("category", "Choose the kind of concern."),
    ],
)
def test_it_refuses_a_collect_without_a_level_or_a_kind_with_a_message(
    client, world, missing, message
):
    petition, _ = receive(world)
    client.force_login(world.county)
    fields = {"category": world.category.pk, "level": "town", "town": world.town_a.pk}
    fields[missing] = ""
    response = _post(client, petition, **fields)

    assert response.status_code == 400
    assert tr(message) in page_text(response)
    petition.refresh_from_db()
    assert petition.step == "received"
    assert petition.level == ""
    assert list(petition.events.values_list("action", flat=True)) == ["receive"]


@pytest.mark.parametrize("level", Petition.Level.values)
def test_it_collects_at_the_level_the_collector_chose(client, world, level):
    petition, _ = receive(world)
    client.force_login(world.rep_a_user)
    response = _post(
        client, petition, category=world.category.pk, level=level, town=world.town_a.pk
    )

    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.step == "collected"
    assert petition.level == level
    assert petition.category == world.category
    assert petition.events.filter(kind=PetitionEvent.Kind.TRANSITION, action="collect").exists()


def test_a_concern_without_a_kind_shows_a_dash_on_the_work_page(client, world):
    petition, _ = receive(world)
    assert petition.category is None
    client.force_login(world.county)
    response = client.get(reverse("petitions:work_detail", args=[petition.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<dt>{tr('Category')}</dt><dd>—</dd>" in html
