"""A grid's public page (issue #11): who looks after it, its station and how to reach them,
this year's 微实事; never a mobile number; reachable from the station's page and from its
representatives' pages; served from the cache and never stale after a grid changes."""

import re

import pytest
from django.urls import reverse

from liaison.grids import deputy_save, grid_save
from liaison.models import Deputy
from tests.base import (
    make_representative,
    make_station,
    make_town,
    make_village,
    station_with_representatives,
)
from tests.helpers import page_text, tr
from tests.liaison.grid_helpers import grid_actor, make_deputy, make_grid

pytestmark = pytest.mark.django_db

MOBILE = re.compile(r"1[3-9]\d{9}")
ROWS = [1, 50]
# the grid with its town and station, its villages, its representatives, its deputies, and
# this year's 微实事 (the petitions app's count, passed in by the site's URLconf)
GRID_PAGE_QUERIES = 5


@pytest.fixture
def grid():
    town = make_town("乾佑街道")
    station = make_station(
        town,
        name="仁和社区联络站",
        address="仁和社区党群服务中心",
        opening_hours="每周一、三、五 9:00–12:00",
        contact_phone="0914-4320002",
    )
    rep = make_representative(name="刘代表", station=station, mobile="13800001111")
    deputy = make_deputy(town, name="赵议政", occupation="仁和社区居委会委员", mobile="13912345678")
    return make_grid(
        town,
        name="仁和第一网格",
        station=station,
        villages=[make_village(town, name="仁和社区"), make_village(town, name="东坡小区")],
        representatives=[rep],
        deputies=[deputy],
        contact_phone="0914-4321001",
    )


def test_it_shows_who_looks_after_the_grid_and_how_to_reach_them(client, grid):
    response = client.get(grid.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    for expected in [
        "仁和第一网格",
        "乾佑街道",
        "仁和社区",
        "东坡小区",
        "刘代表",
        "赵议政",
        "仁和社区居委会委员",
        "0914-4321001",
        "仁和社区党群服务中心",
        "每周一、三、五 9:00–12:00",
        tr("Small matters solved this year (微实事)"),
    ]:
        assert expected in text
    html = response.content.decode()
    rep = grid.representatives.get()
    assert rep.get_absolute_url() in html
    assert grid.station.get_absolute_url() in html
    assert reverse("petitions:concern_to_station", args=[grid.station.qr_token]) in html
    assert response.context["micro_matters"] == 0


def test_it_shows_no_mobile_number(client, grid):
    html = client.get(grid.get_absolute_url()).content.decode()
    assert not MOBILE.search(html)
    assert "13912345678" not in html and "13800001111" not in html


def test_it_is_404_for_an_inactive_grid(client, grid):
    grid.is_active = False
    grid_save(
        grid=grid,
        villages=grid.villages.all(),
        representatives=grid.representatives.all(),
        deputies=grid.deputies.all(),
        actor=grid_actor(),
    )
    assert client.get(grid.get_absolute_url()).status_code == 404


def test_it_is_404_for_an_unknown_grid(client, grid):
    assert client.get(reverse("liaison:grid_detail", args=[grid.pk + 1000])).status_code == 404
    assert client.get("/grids/abc/").status_code == 404


def test_it_lists_only_active_representatives_and_deputies(client, grid):
    rep = grid.representatives.get()
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    deputy = grid.deputies.get()
    deputy.is_active = False
    deputy_save(deputy=deputy, actor=grid_actor())
    text = page_text(client.get(grid.get_absolute_url()))
    assert "刘代表" not in text and "赵议政" not in text


def test_the_station_page_links_to_its_active_grids(client, grid):
    other = make_grid(grid.town, name="停用网格", station=grid.station, is_active=False)
    response = client.get(grid.station.get_absolute_url())
    html = response.content.decode()
    assert grid.get_absolute_url() in html
    assert other.get_absolute_url() not in html


def test_the_representative_page_lists_the_grids_they_look_after(client, grid):
    rep = grid.representatives.get()
    html = client.get(rep.get_absolute_url()).content.decode()
    assert grid.get_absolute_url() in html
    assert tr("Grids I look after") in html


def test_a_grid_change_reaches_the_cached_page(client, grid, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    url = grid.get_absolute_url()
    assert client.get(url)["X-Public-Cache"] == "miss"
    assert client.get(url)["X-Public-Cache"] == "hit"
    grid.name = "仁和新网格"
    grid_save(
        grid=grid,
        villages=grid.villages.all(),
        representatives=grid.representatives.all(),
        deputies=grid.deputies.all(),
        actor=grid_actor(),
    )
    assert "仁和新网格" in page_text(client.get(url))
    newcomer = make_deputy(grid.town, name="钱议政")
    grid_save(
        grid=grid,
        villages=grid.villages.all(),
        representatives=grid.representatives.all(),
        deputies=[*grid.deputies.all(), newcomer],
        actor=grid_actor(),
    )
    assert "钱议政" in page_text(client.get(url))
    newcomer.occupation = "石镇社区网格员"
    deputy_save(deputy=newcomer, actor=grid_actor())
    assert "石镇社区网格员" in page_text(client.get(url))


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_in_constant_queries(client, django_assert_num_queries, rows):
    station = station_with_representatives(rows)
    town = station.town
    deputies = [
        deputy_save(deputy=Deputy(town=town, name=f"议政{i}"), actor=grid_actor())
        for i in range(rows)
    ]
    grid = make_grid(
        town,
        station=station,
        villages=[make_village(town) for _ in range(rows)],
        representatives=[m.representative for m in station.memberships.all()],
        deputies=deputies,
    )
    with django_assert_num_queries(GRID_PAGE_QUERIES):
        response = client.get(grid.get_absolute_url())
    assert len(response.context["grid"].active_representatives) == rows
    assert len(response.context["grid"].active_deputies) == rows
