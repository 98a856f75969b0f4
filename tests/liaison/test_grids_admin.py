"""Grids and 议政代表 in the administration (issue #11): saved through liaison/grids.py
(checked and audited); town staff keep only their town's; a deputy's mobile is never shown
in full."""

import pytest
from django.contrib.auth.models import Permission

from liaison.models import Deputy, Grid, GridAudit, StaffScope
from tests.base import make_representative, make_staff, make_town, make_user, make_village
from tests.helpers import admin_url, page_text, tr
from tests.liaison.grid_helpers import make_deputy, make_grid

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns():
    return make_town("乾佑街道"), make_town("杏坪镇")


def _with_grid_permissions(user):
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="liaison",
            codename__in=[
                f"{verb}_{model}"
                for verb in ("view", "add", "change")
                for model in ("grid", "deputy", "gridaudit")
            ],
        )
    )
    return user


@pytest.fixture
def town_staff(towns):
    return _with_grid_permissions(
        make_staff("grid_town_staff", level=StaffScope.Level.TOWN, town=towns[0])
    )


def _grid_post(town, villages, reps=(), deputies=(), **fields):
    return {
        "town": town.pk,
        "name": fields.get("name", "第一网格"),
        "station": "",
        "villages": [v.pk for v in villages],
        "representatives": [r.pk for r in reps],
        "deputies": [d.pk for d in deputies],
        "description": "",
        "contact_phone": fields.get("contact_phone", "0914-4321001"),
        "is_active": "on",
        "_save": "1",
    }


def test_county_staff_create_a_grid_with_an_audit_row(client, towns):
    county = make_user(superuser=True)
    client.force_login(county)
    village = make_village(towns[0], name="仁和社区")
    rep = make_representative()
    response = client.post(admin_url(Grid, "add"), _grid_post(towns[0], [village], [rep]))
    assert response.status_code == 302
    grid = Grid.objects.get()
    assert list(grid.villages.all()) == [village] and list(grid.representatives.all()) == [rep]
    audit = GridAudit.objects.get(grid=grid)
    assert audit.actor == county and "仁和社区" in audit.note


def test_a_mobile_as_the_public_phone_is_refused_in_chinese(client, towns):
    client.force_login(make_user(superuser=True))
    data = _grid_post(towns[0], [make_village(towns[0])], contact_phone="13912345678")
    response = client.post(admin_url(Grid, "add"), data)
    assert response.status_code == 200
    assert tr(
        "The public contact phone must be an office line, never a private mobile number."
    ) in page_text(response)
    assert not Grid.objects.exists()


def test_town_staff_see_and_change_only_their_towns_grids(client, towns, town_staff):
    mine = make_grid(towns[0], name="本镇网格")
    theirs = make_grid(towns[1], name="外镇网格")
    client.force_login(town_staff)
    listing = page_text(client.get(admin_url(Grid, "changelist")))
    assert "本镇网格" in listing and "外镇网格" not in listing
    assert client.get(admin_url(Grid, "change", mine.pk)).status_code == 200
    response = client.get(admin_url(Grid, "change", theirs.pk))
    assert response.status_code == 302  # the admin's "no such object": back to its index


def test_town_staff_cannot_put_another_towns_village_in_a_grid(client, towns, town_staff):
    client.force_login(town_staff)
    stranger = make_village(towns[1], name="中山村")
    response = client.post(admin_url(Grid, "add"), _grid_post(towns[0], [stranger]))
    assert response.status_code == 200
    assert not Grid.objects.exists()
    response = client.post(admin_url(Grid, "add"), _grid_post(towns[1], []))
    assert response.status_code == 200
    assert not Grid.objects.exists()


def test_town_staff_add_a_deputy_of_their_town(client, towns, town_staff):
    client.force_login(town_staff)
    data = {
        "name": "钱议政",
        "town": towns[0].pk,
        "occupation": "社区居委会委员",
        "new_mobile": "13912345678",
        "is_active": "on",
        "_save": "1",
    }
    assert client.post(admin_url(Deputy, "add"), data).status_code == 302
    deputy = Deputy.objects.get()
    assert deputy.mobile == "13912345678"
    assert GridAudit.objects.get(deputy=deputy).actor == town_staff
    page = client.get(admin_url(Deputy, "change", deputy.pk)).content.decode()
    assert "13912345678" not in page and "139****5678" in page
    listing = client.get(admin_url(Deputy, "changelist")).content.decode()
    assert "13912345678" not in listing


def test_the_county_never_sees_a_deputys_mobile_in_full_either(client, towns):
    deputy = make_deputy(towns[0], mobile="13912345678")
    client.force_login(make_user(superuser=True))
    page = client.get(admin_url(Deputy, "change", deputy.pk)).content.decode()
    assert "13912345678" not in page


def test_town_staff_see_only_their_towns_audit_rows(client, towns, town_staff):
    make_grid(towns[0], name="本镇网格")
    make_grid(towns[1], name="外镇网格")
    client.force_login(town_staff)
    listing = page_text(client.get(admin_url(GridAudit, "changelist")))
    assert "本镇网格" in listing and "外镇网格" not in listing
