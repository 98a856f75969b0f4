"""Awards by stars (以奖代补): county staff's pages. The years, a year's amounts form and its
list by town, the confirmation before the lock, the XLSX for the finance office; who may
enter; bad amounts refused in Chinese; a locked year's form gone and its POSTs refused,
also in the administration's rating form; the same queries for one or fifty stations."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from liaison import awards
from liaison.models import AwardEvent, AwardLevel, AwardLine, AwardYear, StationRating
from tests.base import make_rating, make_station, make_town, make_user, make_world
from tests.helpers import admin_url, page_text, tr
from tests.liaison.award_helpers import AMOUNTS, rate, rated_stations, set_amounts

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _year(year=2025):
    return reverse("liaison:staff_award_year", args=[year])


def _lock(year=2025):
    return reverse("liaison:staff_award_lock", args=[year])


def _export(year=2025):
    return reverse("liaison:staff_award_export", args=[year])


def parse_history(response):
    html = response.content.decode()
    return html[html.index('id="award-events"') :]


def _form(**overrides):
    data = {f"stars_{stars}": str(amount) for stars, amount in AMOUNTS.items()}
    data.update(overrides)
    return data


# --- access ---------------------------------------------------------------------------------


def _all_urls():
    return [reverse("liaison:staff_awards"), _year(), _lock(), _export()]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in _all_urls():
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url


@pytest.mark.parametrize(
    "who", ["town_staff_a", "station_staff_a", "rep_a_user", "unit_user", "nobody"]
)
def test_only_county_staff_enter(client, world, who):
    rated_stations(2)
    client.force_login(make_user() if who == "nobody" else getattr(world, who))
    for url in _all_urls():
        assert client.get(url).status_code == 404
    assert client.post(_year(), _form()).status_code == 404
    assert client.post(_lock()).status_code == 404
    assert not AwardYear.objects.exists()


def test_a_year_out_of_range_is_404(client, world):
    client.force_login(world.county)
    for year in (1999, 2101, 99999):
        assert client.get(_year(year)).status_code == 404
        assert client.get(_export(year)).status_code == 404


def test_the_admin_index_links_county_staff_only(client, world):
    client.force_login(world.county)
    assert reverse("liaison:staff_awards") in client.get(reverse("admin:index")).content.decode()
    client.force_login(world.town_staff_a)
    assert (
        reverse("liaison:staff_awards") not in client.get(reverse("admin:index")).content.decode()
    )


# --- the pages ------------------------------------------------------------------------------


def test_the_years_page_shows_each_year_open_or_locked_with_its_total(client, world):
    rated_stations(2, year=2024)
    set_amounts(year=2024)
    awards.awards_lock(year=2024, actor=world.county)
    rated_stations(3)  # 5, 4, 3 stars
    set_amounts()
    client.force_login(world.county)
    response = client.get(reverse("liaison:staff_awards"))
    assert response.status_code == 200
    text = page_text(response)
    assert "2024" in text and "2025" in text
    assert "8000.00" in text  # 2024: 5000 + 3000, locked
    assert "10000.00" in text  # 2025: 5000 + 3000 + 2000, open
    assert "已锁定" in text and "未锁定" in text


def test_county_staff_set_the_amounts_and_see_the_list_by_town(client, world):
    town = make_town(name="红岩寺镇")
    rate(make_station(town=town, name="红岩寺镇中心联络站"), 5)
    rate(make_station(town=town, name="东沟村联络点"), 3)
    client.force_login(world.county)
    response = client.post(_year(), _form())
    assert response.status_code == 302
    assert dict(AwardLevel.objects.values_list("stars", "amount")) == AMOUNTS
    assert AwardEvent.objects.get().actor == world.county
    text = page_text(client.get(_year()))
    assert "红岩寺镇中心联络站" in text and "东沟村联络点" in text
    assert "7000.00" in text  # the town's subtotal and the total
    assert tr("Lock this year's awards…") in text
    assert "5★ 5000.00" in page_text(parse_history(client.get(_year())))


def test_a_rated_level_without_an_amount_is_a_warning(client, world):
    rated_stations(2)  # 5 and 4 stars
    client.force_login(world.county)
    client.post(_year(), _form(stars_4=""))
    response = client.get(_year())
    assert response.context["awards"].missing_levels == [4]
    assert response.context["awards"].total == Decimal(5000)
    assert 'id="award-missing"' in response.content.decode()


@pytest.mark.parametrize(
    "bad, message",
    [
        ("-1", "An amount cannot be negative."),
        ("三千元", "Enter an amount in yuan, such as 3000 or 2500.50."),
        ("1000000000000", "At most %(limit_value)s yuan."),
        ("12.345", "At most two decimal places (fen)."),
    ],
)
def test_a_bad_amount_is_refused_in_chinese_and_nothing_is_saved(client, world, bad, message):
    client.force_login(world.county)
    response = client.post(_year(), _form(stars_3=bad))
    assert response.status_code == 200
    text = page_text(response)
    expected = tr(message)
    if "%(limit_value)s" in expected:
        expected = expected.split("%(limit_value)s")[0]
    assert expected in text
    assert not AwardLevel.objects.exists() and not AwardEvent.objects.exists()


@pytest.mark.parametrize("too_big", ["100000000", "1000000000000", "99999999.999"])
def test_an_amount_over_the_maximum_says_so_once(client, world, too_big):
    client.force_login(world.county)
    response = client.post(_year(), _form(stars_3=too_big))
    errors = [e["message"] for e in response.context["form"].errors["stars_3"].get_json_data()]
    limit = tr("At most %(limit_value)s yuan.") % {"limit_value": "99999999.99"}
    assert errors.count(limit) == 1 and page_text(response).count(limit) == 1
    assert not AwardLevel.objects.exists()


def test_the_lock_asks_first_and_a_post_locks(client, world):
    rated_stations(3)
    set_amounts()
    client.force_login(world.county)
    response = client.get(_lock())
    assert response.status_code == 200
    assert 'id="lock-form"' in response.content.decode()
    assert not AwardYear.objects.get().is_locked  # a GET changes nothing
    response = client.post(_lock())
    assert response.status_code == 302 and response.url == _year()
    assert AwardYear.objects.get().locked_by == world.county
    assert AwardLine.objects.count() == 3
    # Twice: a message, nothing more.
    response = client.post(_lock(), follow=True)
    assert tr("The awards of %(year)s are already locked.") % {"year": 2025} in page_text(response)
    assert AwardEvent.objects.filter(kind=AwardEvent.Kind.LOCKED).count() == 1


def test_the_lock_says_why_it_refuses(client, world):
    rated_stations(2)
    client.force_login(world.county)
    response = client.get(_lock())
    assert 'id="lock-form"' not in response.content.decode()
    assert 'id="lock-refusal"' in response.content.decode()
    response = client.post(_lock())
    assert response.status_code == 200
    assert 'id="lock-refusal"' in response.content.decode()
    assert not AwardLine.objects.exists()
    assert not AwardYear.objects.filter(locked_at__isnull=False).exists()


def test_after_the_lock_the_form_is_gone_and_a_post_is_refused(client, world):
    rated_stations(2)
    set_amounts()
    awards.awards_lock(year=2025, actor=world.county)
    client.force_login(world.county)
    response = client.get(_year())
    assert 'id="award-amounts"' not in response.content.decode()
    assert _lock() not in response.content.decode()
    response = client.post(_year(), _form(stars_5="99999"))
    assert response.status_code == 409
    assert tr(
        "The awards of %(year)s are locked: its star ratings and amounts no longer change."
    ) % {"year": 2025} in page_text(response)
    assert AwardLevel.objects.get(stars=5).amount == Decimal(5000)


def test_a_locked_years_rating_is_refused_in_the_admin(client, world):
    ensure = make_rating(make_station(), year=2025, fraction=0.8)
    set_amounts()
    awards.awards_lock(year=2025, actor=world.county)
    client.force_login(make_user(superuser=True))
    data = {
        "station": ensure.station_id,
        "year": "2025",
        "rated_on": ensure.rated_on.isoformat(),
        "notes": "复核后改分",
        "scores-TOTAL_FORMS": "0",
        "scores-INITIAL_FORMS": "0",
        "scores-MIN_NUM_FORMS": "0",
        "scores-MAX_NUM_FORMS": "1000",
    }
    # Its change page opens read only, saying why (no form: one message, not one per score).
    response = client.get(admin_url("liaison.StationRating", "change", ensure.pk))
    assert response.status_code == 200
    assert tr(
        "The awards of %(year)s are locked: its star ratings and amounts no longer change."
    ) % {"year": 2025} in page_text(response)
    assert 'name="notes"' not in response.content.decode()
    response = client.post(admin_url("liaison.StationRating", "change", ensure.pk), data)
    assert response.status_code == 403
    ensure.refresh_from_db()
    assert ensure.notes == ""
    # A new rating of the locked year is refused too.
    response = client.post(
        admin_url("liaison.StationRating", "add"), {**data, "station": make_station().pk}
    )
    assert response.status_code == 200
    assert StationRating.objects.filter(year=2025).count() == 1


# --- the spreadsheet ------------------------------------------------------------------------


def _sheet(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="awards-2025.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


def test_the_xlsx_opens_and_its_total_is_the_sum_of_its_rows(client, world):
    rated_stations(12, towns=3)
    set_amounts(overrides={3: Decimal("1999.99")})
    client.force_login(world.county)
    rows = _sheet(client.get(_export()))
    header, lines, total = rows[0], rows[1:-1], rows[-1]
    assert header == (tr("Station"), tr("Town"), tr("Stars"), tr("Amount (yuan)"))
    assert len(lines) == 12
    assert all(isinstance(line[3], (int, float)) for line in lines)
    assert total[0] == "合计"
    assert round(sum(Decimal(str(line[3])) for line in lines), 2) == Decimal(str(total[3]))
    assert Decimal(str(total[3])) == awards.award_list(2025).total


def test_the_xlsx_of_a_locked_year_is_the_snapshot(client, world):
    stations = rated_stations(2)
    set_amounts()
    awards.awards_lock(year=2025, actor=world.county)
    StationRating.objects.filter(station=stations[0]).update(stars=1)
    client.force_login(world.county)
    rows = _sheet(client.get(_export()))
    assert rows[-1][3] == 8000


def test_the_xlsx_neutralises_text_that_looks_like_a_formula(client, world):
    rate(make_station(name='=HYPERLINK("http://x")'), 5)
    set_amounts()
    client.force_login(world.county)
    rows = _sheet(client.get(_export()))
    assert rows[1][0] == '\'=HYPERLINK("http://x")'


# --- queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["years", "year", "lock", "export"])
def test_the_pages_run_the_same_queries_for_one_or_fifty_stations(
    client, world, name, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    urls = {
        "years": lambda y: reverse("liaison:staff_awards"),
        "year": _year,
        "lock": _lock,
        "export": _export,
    }
    client.force_login(world.county)
    rated_stations(1, year=2024)
    set_amounts(year=2024)
    client.get(urls[name](2024))  # warm the session and the caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(urls[name](2024)).status_code == 200
    rated_stations(50)
    set_amounts()
    with django_assert_num_queries(len(one)):
        assert client.get(urls[name](2025)).status_code == 200
