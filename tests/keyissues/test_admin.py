"""Key issues and the rhythm's themes in the administration: key issues read only and scoped
like the pages; themes saved through the service, with their audit rows, county staff only."""

import pytest
from django.contrib.auth.models import Permission

from liaison.models import Theme, ThemeChange
from tests.base import make_world
from tests.helpers import admin_url
from tests.keyissues.helpers import make_issue

pytestmark = pytest.mark.django_db


def _grant(user, *codenames):
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))


def test_town_staff_see_only_their_towns_key_issues(client):
    world = make_world()
    mine = make_issue(world, title="甲站问题")
    theirs = make_issue(world, title="乙站问题", station=world.station_b)
    _grant(world.town_staff_a, "view_keyissue")
    client.force_login(world.town_staff_a)
    response = client.get(admin_url("keyissues.KeyIssue", "changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲站问题" in html and "乙站问题" not in html
    assert client.get(admin_url("keyissues.KeyIssue", "change", mine.pk)).status_code == 200
    assert client.get(admin_url("keyissues.KeyIssue", "change", theirs.pk)).status_code == 302
    assert client.get(admin_url("keyissues.KeyIssue", "add")).status_code == 403


def test_a_theme_saved_in_the_admin_appends_its_audit_row(client):
    world = make_world()
    client.force_login(world.county)
    _grant(world.county, "add_theme", "change_theme", "view_theme", "delete_theme")
    response = client.post(
        admin_url("liaison.Theme", "add"),
        {"kind": "month", "year": 2026, "number": 5, "title": "防汛安全巡查月", "description": ""},
    )
    assert response.status_code == 302
    theme = Theme.objects.get()
    change = ThemeChange.objects.get()
    assert change.actor == world.county and change.after["title"] == "防汛安全巡查月"
    client.post(admin_url("liaison.Theme", "delete", theme.pk), {"post": "yes"})
    assert not Theme.objects.exists()
    assert ThemeChange.objects.count() == 2


def test_a_theme_number_that_does_not_fit_is_refused_in_the_admin(client):
    world = make_world()
    client.force_login(world.county)
    _grant(world.county, "add_theme", "view_theme")
    response = client.post(
        admin_url("liaison.Theme", "add"),
        {"kind": "quarter", "year": 2026, "number": 7, "title": "x", "description": ""},
    )
    assert response.status_code == 200
    assert not Theme.objects.exists() and not ThemeChange.objects.exists()


def test_town_staff_do_not_reach_the_themes(client):
    world = make_world()
    _grant(world.town_staff_a, "view_theme", "change_theme")
    client.force_login(world.town_staff_a)
    assert client.get(admin_url("liaison.Theme", "changelist")).status_code == 403
