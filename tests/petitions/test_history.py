"""A concern's history says what happened, in words (issue #13 QA): a unit's return and its
acknowledgement by their action, not by the step they land on; the citizen and the system by
those words, never an empty name or a code."""

import pytest

from petitions import workflow
from tests.base import make_user, make_world, receive, to_step
from tests.helpers import admin_url, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_a_units_return_and_acknowledgement_read_as_what_they_were(client, world):
    petition, _token = receive(world)
    to_step(world, petition, "assigned")
    workflow.petition_accept(petition=petition, actor=world.unit_user)
    petition.refresh_from_db()
    workflow.petition_return(
        petition=petition, actor=world.unit_user, reason="不属于本单位职责范围"
    )

    admin = make_user(superuser=True)
    for user, url in [
        (world.county, f"/work/petitions/{petition.pk}/"),
        (admin, admin_url("petitions.Petition", "change", petition.pk)),
    ]:
        client.force_login(user)
        text = page_text(client.get(url))
        assert "承办单位签收" in text, url
        assert "承办单位退回（交办有误）" in text, url

    client.force_login(admin)
    text = page_text(client.get(admin_url("petitions.Petition", "change", petition.pk)))
    assert "群众" in text  # the citizen's submission, not "None"
    for code in ["None", "receive", " return ", "accept"]:
        assert code not in text, code
