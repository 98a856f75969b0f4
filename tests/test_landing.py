"""Issue 13, item 5: after signing in each role lands on its work, and each role's menu
shows only what it can use."""

import re

import pytest
from django.urls import reverse

from liaison.models import StaffScope
from tests.base import make_staff, make_user, make_world, town_staff_group
from tests.helpers import clear_own_cache, page_text, tr
from tests.second_factor import TWO_FACTOR_URL, pass_second_factor

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"  # tests.base.make_user's
TASKS = "/me/tasks/"
UNIT_LIST = "/unit/"
PETITIONS_ADMIN = "/admin/petitions/petition/"
MENU_LINKS = {
    "admin": "/admin/",
    "work": "/work/",
    "notices": "/me/notices/",
    "my_page": "/me/",
    "my_points": "/me/points/",
}


@pytest.fixture(autouse=True)
def _clear_cache():
    # Sign-in failures are counted in the cache.
    clear_own_cache()
    yield
    clear_own_cache()


@pytest.fixture
def world():
    # Staff as the demo has them, in its groups: the world's bare staff may open nothing.
    return make_world(clerks=True)


def _persona(world, name):
    if name == "superuser":
        return make_user("root", superuser=True)
    if name == "staff_without_scope":
        return make_user("helper", staff=True)
    if name == "nobody":
        return make_user("nobody")
    if name == "station_clerk":
        return make_staff(
            "station_clerk",
            group=town_staff_group(),
            level=StaffScope.Level.STATION,
            station=world.station_a,
        )
    return getattr(world, name)


def _sign_in(client, user, next_url=None):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.get_username(), "password": PASSWORD})


def _landing(client, user, next_url=None):
    """Where signing in ends, following every redirect (and answering the second factor,
    for those who must pass one)."""
    response = _sign_in(client, user, next_url)
    assert response.status_code == 302
    url = response["Location"]
    for _hop in range(5):
        if url.startswith(TWO_FACTOR_URL):
            response = pass_second_factor(client, user, url)
        else:
            response = client.get(url)
        if response.status_code != 302:
            return url, response
        url = response["Location"]
    raise AssertionError("too many redirects")


def _menu(response) -> set[str]:
    """The header's links to the pages of MENU_LINKS."""
    header = re.search(r"<header.*?</header>", response.content.decode(), re.S).group(0)
    hrefs = set(re.findall(r'href="([^"]+)"', header))
    return {name for name, url in MENU_LINKS.items() if url in hrefs}


LANDINGS = [
    ("rep_a_user", TASKS),
    ("unit_user", UNIT_LIST),
    ("county_clerk", PETITIONS_ADMIN),
    ("town_clerk_a", PETITIONS_ADMIN),
    ("station_clerk", PETITIONS_ADMIN),
    ("superuser", PETITIONS_ADMIN),
    ("staff_without_scope", "/admin/"),
    ("nobody", "/me/"),
]


@pytest.mark.parametrize(("persona", "expected"), LANDINGS)
def test_it_lands_each_role_on_its_work(client, world, persona, expected):
    url, response = _landing(client, _persona(world, persona))
    assert url == expected
    assert response.status_code == 200


def test_it_lands_a_representative_who_is_also_a_unit_member_on_their_tasks(client, world):
    world.other_unit.members.add(world.rep_a_user)
    url, _response = _landing(client, world.rep_a_user)
    assert url == TASKS


@pytest.mark.parametrize("persona", ["rep_a_user", "unit_user", "town_clerk_a"])
def test_it_respects_next(client, world, persona):
    response = _sign_in(client, _persona(world, persona), next_url=MENU_LINKS["notices"])
    assert response["Location"] == MENU_LINKS["notices"]


def test_it_ignores_a_next_to_another_site(client, world):
    response = _sign_in(client, world.rep_a_user, next_url="https://example.com/")
    assert response["Location"] == reverse("landing")


def test_it_asks_an_anonymous_visitor_to_sign_in_first(client):
    response = client.get(reverse("landing"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


MENUS = [
    ("rep_a_user", {"work", "notices", "my_page", "my_points"}),
    ("unit_user", {"work", "notices"}),
    ("county_clerk", {"admin", "work", "notices"}),
    ("town_clerk_a", {"admin", "work", "notices"}),
    ("station_clerk", {"admin", "work", "notices"}),
    ("superuser", {"admin", "work", "notices"}),
    ("staff_without_scope", {"admin"}),
    ("nobody", set()),
]


@pytest.mark.parametrize(("persona", "expected"), MENUS)
def test_each_role_s_menu_shows_only_what_it_can_use(client, world, persona, expected):
    user = _persona(world, persona)
    client.force_login(user)
    response = client.get(MENU_LINKS["notices"])
    assert _menu(response) == expected
    # Every link it shows leads to a page the user may use.
    for name in expected:
        page = client.get(MENU_LINKS[name], follow=True)
        assert page.status_code == 200, name
        assert tr(
            "Your account is not linked to a representative. Staff can link it in the administration."
        ) not in page_text(page), name
        assert "not_a_representative.html" not in [t.name for t in page.templates], name
    # Everyone may sign out.
    assert reverse("logout") in response.content.decode()


def test_a_unit_s_menu_offers_neither_points_nor_the_representative_s_page(client, world):
    client.force_login(world.unit_user)
    response = client.get(UNIT_LIST)
    text = page_text(response)
    assert tr("My points") not in text
    assert tr("My page") not in text
    assert tr("My work") in text
