"""The demo fills the grids' pages (issue #11): 乾佑街道's grids with representatives and
议政代表, 红岩寺镇's 分片包区, grid concerns in the demo representative's task list, 微实事
counted on the grid pages and the staff page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from demo.logins import DEMO_REPRESENTATIVE, DEMO_TOWN_STAFF
from liaison.models import Deputy, Grid, Station
from petitions.grids import grid_micro_matter_count
from petitions.models import Petition
from tests.helpers import page_text, sign_in

pytestmark = pytest.mark.django_db

MOBILE = re.compile(r"1[3-9]\d{9}")


def test_it_loads_qianyous_grids_and_hongyansis_area():
    qianyou = Grid.objects.filter(town__name="乾佑街道", is_active=True)
    assert 3 <= qianyou.count() <= 4
    for grid in qianyou:
        assert 2 <= grid.representatives.count() <= 4
        assert 1 <= grid.deputies.count() <= 2
        assert grid.villages.exists() and grid.station is not None
    assert Grid.objects.filter(town__name="红岩寺镇").count() == 1
    assert not Deputy.objects.exclude(mobile="").exists()


def test_every_grid_page_is_filled_and_shows_no_mobile():
    client = Client()
    for grid in Grid.objects.filter(is_active=True):
        response = client.get(grid.get_absolute_url())
        assert response.status_code == 200
        assert grid.name in page_text(response)
        assert not MOBILE.search(response.content.decode())
    assert sum(grid_micro_matter_count(g) for g in Grid.objects.all()) >= 2


def test_the_station_page_links_to_its_grid():
    station = Station.objects.get(slug="renhe")
    html = Client().get(station.get_absolute_url()).content.decode()
    grid = Grid.objects.get(station=station)
    assert grid.get_absolute_url() in html


def test_the_demo_representative_sees_a_grid_concern():
    client = Client()
    assert sign_in(client, *DEMO_REPRESENTATIVE)
    tasks = client.get(reverse("petitions:my_tasks"))
    numbers = {p.tracking_no for s in tasks.context["sections"] for p in s["rows"]}
    grid = Grid.objects.get(name="仁和社区网格")
    from_grid = Petition.objects.filter(village__grids=grid)
    assert from_grid.filter(tracking_no__in=numbers).exists()
    assert Petition.objects.filter(is_micro_matter=True).count() >= 2


def test_the_town_staff_grids_page_is_filled():
    client = Client()
    assert sign_in(client, *DEMO_TOWN_STAFF)
    response = client.get(reverse("petitions:staff_grids"))
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert {g.town.name for g in rows} == {"乾佑街道"}
    assert sum(g.micro_count for g in rows) >= 1 and sum(g.open_count for g in rows) >= 1
