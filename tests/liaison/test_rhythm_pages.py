"""The rhythm (行动年, 主题季, 活动月): county staff's page, its audit rows, and the station
page that shows the themes of today beside its reception days."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison import public_cache, rhythm
from liaison.models import Theme, ThemeChange
from liaison.models.rhythm import AuditRowImmutable
from tests.base import make_station, make_user, make_world
from tests.helpers import page_text, tr

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _url(year):
    return reverse("liaison:staff_rhythm", args=[year])


def _full_year_data(**overrides):
    data = {"year_title": "推进基层治理·共建和美乡村", "year_description": "主题活动"}
    for n in range(1, 5):
        data[f"quarter_{n}_title"] = f"第{n}季主题"
    for n in range(1, 13):
        data[f"month_{n}_title"] = f"{n}月活动"
    data.update(overrides)
    return data


def test_county_staff_set_a_whole_year(client, world):
    client.force_login(world.county)
    assert client.get(_url(2026)).status_code == 200
    response = client.post(_url(2026), _full_year_data())
    assert response.status_code == 302
    assert Theme.objects.filter(year=2026).count() == 17
    assert ThemeChange.objects.filter(year=2026, actor=world.county).count() == 17
    year_theme = Theme.objects.get(year=2026, kind="year")
    assert year_theme.number is None and year_theme.description == "主题活动"
    # The page shows what is stored.
    assert "推进基层治理·共建和美乡村" in client.get(_url(2026)).content.decode()


def test_saving_again_unchanged_appends_no_row_and_an_empty_title_removes(client, world):
    client.force_login(world.county)
    client.post(_url(2026), _full_year_data())
    client.post(_url(2026), _full_year_data())
    assert ThemeChange.objects.count() == 17
    client.post(_url(2026), _full_year_data(month_5_title="", quarter_2_title="新的二季"))
    assert not Theme.objects.filter(year=2026, kind="month", number=5).exists()
    assert Theme.objects.get(year=2026, kind="quarter", number=2).title == "新的二季"
    removed = ThemeChange.objects.get(number=5, kind="month", after__isnull=True)
    assert removed.before["title"] == "5月活动"
    assert ThemeChange.objects.count() == 19


def test_a_description_without_a_title_is_refused_in_chinese(client, world):
    client.force_login(world.county)
    response = client.post(_url(2026), {"month_3_description": "只有说明"})
    assert response.status_code == 200
    assert tr("Enter a title for this description.") in page_text(response)
    assert not Theme.objects.exists() and not ThemeChange.objects.exists()


def test_a_too_long_title_is_refused(client, world):
    client.force_login(world.county)
    response = client.post(_url(2026), _full_year_data(year_title="长" * 101))
    assert response.status_code == 200
    assert not Theme.objects.exists()


@pytest.mark.parametrize("who", ["town_staff_a", "station_staff_a", "rep_a_user", "nobody"])
def test_only_county_staff_enter(client, world, who):
    client.force_login(make_user() if who == "nobody" else getattr(world, who))
    assert client.get(_url(2026)).status_code == 404
    assert client.post(_url(2026), _full_year_data()).status_code == 404
    assert client.get(reverse("liaison:staff_rhythm_now")).status_code == 404
    assert not Theme.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(_url(2026)).status_code == 302


def test_a_year_out_of_range_is_404(client, world):
    client.force_login(world.county)
    assert client.get(_url(1999)).status_code == 404
    assert client.get(_url(99999)).status_code == 404


def test_this_year_leads_to_the_year(client, world):
    client.force_login(world.county)
    response = client.get(reverse("liaison:staff_rhythm_now"))
    assert response.url == _url(timezone.localdate().year)


def test_the_admin_index_links_county_staff_only(client, world):
    client.force_login(world.county)
    assert (
        reverse("liaison:staff_rhythm_now") in client.get(reverse("admin:index")).content.decode()
    )
    client.force_login(world.town_staff_a)
    assert (
        reverse("liaison:staff_rhythm_now")
        not in client.get(reverse("admin:index")).content.decode()
    )


def test_theme_changes_are_never_changed_or_deleted(world):
    rhythm.theme_year_save(year=2026, entries={("year", None): ("主题", "")}, actor=world.county)
    row = ThemeChange.objects.get()
    with pytest.raises(AuditRowImmutable):
        row.save()
    with pytest.raises(AuditRowImmutable):
        row.delete()
    with pytest.raises(AuditRowImmutable):
        ThemeChange.objects.all().delete()


def test_the_database_holds_the_number_of_each_kind(world):
    from django.db import IntegrityError, transaction

    for kind, number in [("year", 1), ("quarter", None), ("quarter", 5), ("month", 13)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Theme.objects.create(kind=kind, year=2026, number=number, title="x")
    Theme.objects.create(kind="year", year=2026, title="一")
    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(kind="year", year=2026, title="二")


# --- the themes of a day ----------------------------------------------------------------------


def _set_2026():
    entries = dict.fromkeys(rhythm.SLOTS, ("", ""))
    entries[("year", None)] = ("行动年", "")
    entries[("quarter", 1)] = ("一季", "")
    entries[("quarter", 2)] = ("二季", "")
    entries[("month", 3)] = ("三月", "")
    entries[("month", 4)] = ("四月", "")
    rhythm.theme_year_save(year=2026, entries=entries, actor=None)


def test_themes_on_a_day_in_one_query(world, django_assert_num_queries):
    _set_2026()
    with django_assert_num_queries(1):
        day = rhythm.themes_on(date(2026, 3, 31))
    assert (day.year.title, day.quarter.title, day.month.title) == ("行动年", "一季", "三月")
    day = rhythm.themes_on(date(2026, 4, 1))
    assert (day.quarter.title, day.month.title) == ("二季", "四月")
    assert not rhythm.themes_on(date(2027, 1, 1))


def test_the_station_page_shows_todays_themes_and_changes_at_the_month_boundary(
    client, world, monkeypatch
):
    _set_2026()
    station = make_station(town=world.town_a, name="杏坪镇中心联络站")
    monkeypatch.setattr(public_cache.timezone, "localdate", lambda *a: date(2026, 3, 31))
    text = page_text(client.get(station.get_absolute_url()))
    assert "行动年" in text and "一季" in text and "三月" in text
    assert tr("This month's activity (本月活动月)") in text
    # Served from the cache the second time, still the same day.
    assert client.get(station.get_absolute_url())["X-Public-Cache"] == "hit"
    monkeypatch.setattr(public_cache.timezone, "localdate", lambda *a: date(2026, 4, 1))
    text = page_text(client.get(station.get_absolute_url()))
    assert "二季" in text and "四月" in text and "三月" not in text


def test_a_changed_theme_reaches_the_cached_station_page(client, world, monkeypatch):
    _set_2026()
    monkeypatch.setattr(public_cache.timezone, "localdate", lambda *a: date(2026, 3, 31))
    url = world.station_a.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Public-Cache"] == "hit"
    rhythm.theme_year_save(year=2026, entries={("month", 3): ("三月新活动", "")}, actor=None)
    response = client.get(url)
    assert "三月新活动" in page_text(response)


def test_the_station_page_without_themes_has_no_rhythm_section(client, world):
    response = client.get(world.station_a.get_absolute_url())
    assert 'id="rhythm"' not in response.content.decode()
