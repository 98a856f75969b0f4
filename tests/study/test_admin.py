"""The study models in the administration: read-only lists scoped like the staff pages, and
publishing or withdrawing through the audited services."""

import pytest
from django.contrib.auth.models import Permission

from study import services
from study.models import Material, MaterialRead
from tests.base import make_world
from tests.helpers import admin_url
from tests.study.helpers import make_material, station_material

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = make_world()
    perms = Permission.objects.filter(
        content_type__app_label="study",
        codename__in=["view_material", "view_materialread", "view_materialevent"],
    )
    for user in (w.county, w.town_staff_a):
        user.user_permissions.add(*perms)
    return w


def test_town_staff_see_only_their_towns_materials_and_reads(client, world):
    a = station_material(world.county, world.station_a, title="甲站资料")
    b = station_material(world.county, world.station_b, title="乙站资料")
    services.material_read(material=b, representative=world.rep_b)
    services.material_read(material=a, representative=world.rep_a)
    client.force_login(world.town_staff_a)
    response = client.get(admin_url(Material, "changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [a]
    reads = client.get(admin_url(MaterialRead, "changelist"))
    assert [r.material for r in reads.context["cl"].result_list] == [a]
    assert client.get(admin_url(Material, "change", b.pk)).status_code in (302, 404)


def test_the_admin_adds_and_deletes_nothing(client, world):
    m = make_material(world.county)
    client.force_login(world.county)
    assert client.get(admin_url(Material, "add")).status_code == 403
    assert client.post(admin_url(Material, "delete", m.pk)).status_code == 403


def test_the_admin_actions_publish_and_withdraw_with_events(client, world):
    m = make_material(world.county, publish=False)
    client.force_login(world.county)
    url = admin_url(Material, "changelist")
    client.post(url, {"action": "publish", "_selected_action": [m.pk]})
    m.refresh_from_db()
    assert m.is_published
    client.post(url, {"action": "unpublish", "_selected_action": [m.pk]})
    m.refresh_from_db()
    assert not m.is_published
    assert list(m.events.values_list("kind", flat=True)) == ["created", "published", "unpublished"]
