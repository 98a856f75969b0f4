"""The administration, as congress staff use it: every page opens, lists stay fast, the
actions print cards and replace codes, and a rating's totals follow from its scores."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from liaison import rhythm, services
from liaison.models import (
    Activity,
    DutyDay,
    DutyShift,
    HandlingUnit,
    MobileView,
    RatingCriterion,
    Representative,
    RetiredQrToken,
    StaffScope,
    Station,
)
from tests.base import (
    ensure_default_criteria,
    make_rating,
    make_representative,
    make_station,
    make_town,
    make_user,
    make_village,
)
from tests.helpers import admin_url, page_text, tr
from tests.liaison.grid_helpers import make_deputy, make_grid
from tests.liaison.links_helpers import five_links_rows
from tests.second_factor import SECOND_FACTOR

pytestmark = pytest.mark.django_db

LIAISON_MODELS = [
    "liaison.Town",
    "liaison.Village",
    "liaison.Station",
    "liaison.Representative",
    "liaison.StationRating",
    "liaison.RatingCriterion",
    "liaison.RetiredQrToken",
    "liaison.HandlingUnit",
    "liaison.StaffScope",
    "liaison.MobileView",
    "liaison.Grid",
    "liaison.Deputy",
    "liaison.GridAudit",
]
# The apps whose administration this suite vouches for: the liaison app and the parts of
# Django and django-celery-beat the staff see next to it. Other apps test their own admin.
COVERED_APPS = {"liaison", "auth", "django_celery_beat"}
REGISTERED = sorted(
    model._meta.label for model in admin.site._registry if model._meta.app_label in COVERED_APPS
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # These tests make many users; the slow production hasher adds nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_criteria():
    ensure_default_criteria()


@pytest.fixture
def superuser():
    return make_user(superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def one_of_everything(superuser):
    """At least one row of every model the administration shows."""
    town = make_town("样板镇")
    village = make_village(town, "样板村")
    station = make_station(town, "样板联络站", village=village, kind=Station.Kind.POINT)
    make_station(town, "样板专业站", kind=Station.Kind.PROFESSIONAL)
    rep = make_representative("样板代表", station=station, mobile="13987654321")
    make_rating(station, fraction=0.8)
    services.representative_rotate_qr_token(representative=make_representative())
    Group.objects.create(name="联络站工作人员")
    HandlingUnit.objects.create(name="样板单位", kind=HandlingUnit.Kind.COUNTY_DEPARTMENT)
    StaffScope.objects.create(user=superuser, level=StaffScope.Level.STATION, station=station)
    day = DutyDay.objects.create(station=station, date=date(2026, 3, 15))
    DutyShift.objects.create(duty_day=day, representative=rep)
    # Registered by points (its admin stays there), kept in liaison since issue 9.
    Activity.objects.create(kind=Activity.Kind.BRIEFING, title="通报工作", date=date(2026, 3, 1))
    MobileView.objects.create(user=superuser, representative=rep, where="admin change page")
    # A grid and a 议政代表, saved as staff do (an audit row each).
    make_grid(town, villages=[village], representatives=[rep], deputies=[make_deputy(town)])
    five_links_rows(town=town, actor=superuser)  # issue #11, the five links
    interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    CrontabSchedule.objects.create(minute="0", hour="3")
    SolarSchedule.objects.create(event="sunrise", latitude=33.68, longitude=109.11)
    ClockedSchedule.objects.create(clocked_time="2030-01-01T00:00:00+08:00")
    PeriodicTask.objects.create(
        name="recompute ratings",
        task="liaison.tasks.recompute_station_ratings",
        interval=interval,
        args="[2025]",
    )
    # The rhythm (issue #11): a theme, saved with its audit row.
    rhythm.theme_year_save(year=2026, entries={("year", None): ("行动年", "")}, actor=superuser)
    return {"station": station, "rep": rep}


def test_it_registers_every_liaison_model_the_staff_manage():
    assert set(LIAISON_MODELS) <= set(REGISTERED)


@pytest.mark.parametrize("label", REGISTERED)
def test_it_opens_the_changelist_of_every_registered_model(admin_client, one_of_everything, label):
    response = admin_client.get(admin_url(label, "changelist"))
    assert response.status_code == 200


# Records the system appends, which nobody adds by hand.
SYSTEM_RECORDS = [
    "liaison.RetiredQrToken",
    "liaison.MobileView",
    "liaison.GridAudit",
    "liaison.ThemeChange",
    "liaison.ContactLog",
    "liaison.LinkAudit",
]


@pytest.mark.parametrize("label", [m for m in REGISTERED if m not in SYSTEM_RECORDS])
def test_it_opens_the_add_page_of_every_registered_model(admin_client, label):
    response = admin_client.get(admin_url(label, "add"))
    assert response.status_code == 200


@pytest.mark.parametrize("label", SYSTEM_RECORDS)
def test_it_lets_nobody_add_a_system_record_by_hand(admin_client, label):
    assert admin_client.get(admin_url(label, "add")).status_code == 403


@pytest.mark.parametrize("label", REGISTERED)
def test_it_opens_the_change_page_of_every_registered_model(admin_client, one_of_everything, label):
    model = next(m for m in admin.site._registry if m._meta.label == label)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the fixture made no {label}"
    response = admin_client.get(admin_url(label, "change", obj.pk))
    assert response.status_code == 200


def test_it_shows_a_retired_token_read_only(admin_client, one_of_everything):
    retired = RetiredQrToken.objects.get()
    response = admin_client.get(admin_url("liaison.RetiredQrToken", "change", retired.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert admin_client.post(
        admin_url("liaison.RetiredQrToken", "change", retired.pk)
    ).status_code in (
        302,
        403,
    )
    assert RetiredQrToken.objects.get().token == retired.token


def test_it_shows_a_representatives_qr_preview_on_the_change_page(admin_client, one_of_everything):
    rep = one_of_everything["rep"]
    response = admin_client.get(admin_url("liaison.Representative", "change", rep.pk))
    html = response.content.decode()
    assert reverse("liaison:representative_qr", args=[rep.qr_token, "png"]) in html
    assert reverse("liaison:representative_qr", args=[rep.qr_token, "svg"]) in html


def test_it_shows_a_stations_qr_preview_on_the_change_page(admin_client, one_of_everything):
    station = one_of_everything["station"]
    response = admin_client.get(admin_url("liaison.Station", "change", station.pk))
    html = response.content.decode()
    assert reverse("liaison:station_qr", args=[station.qr_token, "png"]) in html
    assert station.get_qr_path() in html


def test_it_masks_mobiles_in_the_representative_list(admin_client, one_of_everything):
    response = admin_client.get(admin_url("liaison.Representative", "changelist"))
    html = response.content.decode()
    assert "139****4321" in html
    assert "13987654321" not in html


@pytest.mark.parametrize("query", ["q=样板", "level__exact=county", "is_active__exact=1"])
def test_it_searches_and_filters_the_representative_list(admin_client, one_of_everything, query):
    response = admin_client.get(admin_url("liaison.Representative", "changelist") + "?" + query)
    assert response.status_code == 200
    assert "样板代表" in page_text(response)


def test_it_filters_representatives_by_the_town_of_their_station(admin_client, one_of_everything):
    town = one_of_everything["station"].town
    make_representative("别镇代表", station=make_station(make_town("别镇")))
    response = admin_client.get(
        admin_url("liaison.Representative", "changelist"),
        {"memberships__station__town__id__exact": town.pk},
    )
    assert response.status_code == 200
    assert [r.name for r in response.context["cl"].result_list] == ["样板代表"]


def test_it_searches_stations_and_answers_the_autocomplete(admin_client, one_of_everything):
    response = admin_client.get(admin_url("liaison.Station", "changelist"), {"q": "样板"})
    assert response.status_code == 200
    assert "样板联络站" in page_text(response)
    autocomplete = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "样板",
            "app_label": "liaison",
            "model_name": "stationrating",
            "field_name": "station",
        },
    )
    assert autocomplete.status_code == 200
    assert "样板联络站" in {r["text"] for r in autocomplete.json()["results"]}


# --- constant queries on the busiest lists ------------------------------------------------------

ROWS = [1, 50]
# The session, the user, the count, the page of rows, and the choices of the filters; the
# superuser's second factor.
REPRESENTATIVE_CHANGELIST_QUERIES = 6 + SECOND_FACTOR
STATION_CHANGELIST_QUERIES = 6 + SECOND_FACTOR


@pytest.mark.parametrize("rows", ROWS)
def test_it_lists_representatives_in_constant_queries(
    admin_client, django_assert_num_queries, rows
):
    station = make_station()
    for _ in range(rows):
        make_representative(station=station, mobile="13812341234", user=make_user())
    with django_assert_num_queries(REPRESENTATIVE_CHANGELIST_QUERIES):
        response = admin_client.get(admin_url("liaison.Representative", "changelist"))
    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_it_lists_stations_in_constant_queries(admin_client, django_assert_num_queries, rows):
    town = make_town()
    for _ in range(rows):
        make_station(town, village=make_village(town))
    with django_assert_num_queries(STATION_CHANGELIST_QUERIES):
        response = admin_client.get(admin_url("liaison.Station", "changelist"))
    assert len(response.context["cl"].result_list) == rows


# --- actions ----------------------------------------------------------------------------------------


def _act(client, label, action, objects, **extra):
    return client.post(
        admin_url(label, "changelist"),
        {"action": action, "_selected_action": [o.pk for o in objects], "index": 0, **extra},
    )


def test_it_prints_the_cards_of_the_chosen_representatives(admin_client):
    chosen = [make_representative("甲代表"), make_representative("乙代表")]
    make_representative("丙代表")

    response = _act(admin_client, "liaison.Representative", "print_qr_cards", chosen)

    assert response.status_code == 302
    url = urlsplit(response.url)
    assert url.path == reverse("liaison:qr_cards")
    assert sorted(parse_qs(url.query)["representative"]) == sorted(str(r.pk) for r in chosen)
    sheet = admin_client.get(response.url)
    assert sheet.status_code == 200
    assert {c["title"] for c in sheet.context["cards"]} == {"甲代表", "乙代表"}


def test_it_prints_the_cards_of_one_station_and_its_representatives(admin_client):
    station = make_station(name="打印联络站")
    make_representative("站内代表", station=station)

    response = _act(admin_client, "liaison.Station", "print_qr_cards", [station])

    assert response.status_code == 302
    url = urlsplit(response.url)
    assert url.path == reverse("liaison:qr_cards")
    assert parse_qs(url.query) == {"station": [str(station.pk)]}
    sheet = admin_client.get(response.url)
    assert [c["title"] for c in sheet.context["cards"]] == ["打印联络站", "站内代表"]


def test_it_prints_one_station_at_a_time(admin_client):
    stations = [make_station(), make_station()]

    response = _act(admin_client, "liaison.Station", "print_qr_cards", stations)

    assert response.status_code == 302
    assert urlsplit(response.url).path == admin_url("liaison.Station", "changelist")
    page = admin_client.get(response.url)
    messages = [str(m) for m in page.context["messages"]]
    assert messages == [tr("QR cards are printed one station at a time.")]


def test_it_replaces_the_codes_of_the_chosen_representatives(admin_client):
    chosen = [make_representative(), make_representative()]
    untouched = make_representative()
    old = {r.pk: r.qr_token for r in chosen}

    response = _act(admin_client, "liaison.Representative", "rotate_qr_token", chosen)

    assert response.status_code == 302
    for rep in chosen:
        rep.refresh_from_db()
        assert rep.qr_token != old[rep.pk]
    assert set(RetiredQrToken.objects.values_list("token", flat=True)) == set(old.values())
    assert set(RetiredQrToken.objects.values_list("kind", flat=True)) == {"representative"}
    assert Representative.objects.get(pk=untouched.pk).qr_token == untouched.qr_token
    page = admin_client.get(response.url)
    assert len(list(page.context["messages"])) == 1


def test_it_replaces_the_codes_of_the_chosen_stations(admin_client, client):
    chosen = [make_station(), make_station()]
    untouched = make_station()
    old = {s.pk: s.qr_token for s in chosen}

    response = _act(admin_client, "liaison.Station", "rotate_qr_token", chosen)

    assert response.status_code == 302
    for station in chosen:
        station.refresh_from_db()
        assert station.qr_token != old[station.pk]
    assert set(RetiredQrToken.objects.values_list("token", flat=True)) == set(old.values())
    assert set(RetiredQrToken.objects.values_list("kind", flat=True)) == {"station"}
    assert Station.objects.get(pk=untouched.pk).qr_token == untouched.qr_token
    for token in old.values():
        assert admin_client.get(reverse("liaison:station_qr_page", args=[token])).status_code == (
            410
        )


def test_it_refuses_actions_to_staff_without_permissions(client):
    client.force_login(make_user(staff=True))
    rep = make_representative()
    response = _act(client, "liaison.Representative", "rotate_qr_token", [rep])
    assert response.status_code == 403
    assert not RetiredQrToken.objects.exists()


# --- ratings: the criteria's weights (the ratings' own admin is measures/admin.py, tested in
# tests/measures/test_ratings_admin.py) ------------------------------------------------------


def test_it_recomputes_the_stars_when_staff_change_a_criterions_weight(
    client, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    client.force_login(make_user(superuser=True))
    rating = make_rating(make_station(), year=timezone.localdate().year - 1, fraction=1.0)
    criterion = RatingCriterion.objects.get(code="have-place")
    data = {
        "group": criterion.group,
        "code": criterion.code,
        "name": criterion.name,
        "description": criterion.description,
        "max_score": 30,
        "order": criterion.order,
        "is_active": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/liaison/ratingcriterion/{criterion.pk}/change/", data)
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.max_total == 134  # 26 criteria × 4 + 30
    assert rating.stars == 4  # 108 / 134 = 80.6 %


def test_a_units_member_picker_names_people_not_logins(admin_client):
    unit = HandlingUnit.objects.create(name="交通运输局", kind=HandlingUnit.Kind.COUNTY_DEPARTMENT)
    member = make_user("jiaotong01")
    member.first_name = "李明"
    member.save(update_fields=["first_name"])
    unit.members.add(member)
    response = admin_client.get(admin_url("liaison.HandlingUnit", "change", unit.pk))
    options = response.context["adminform"].form.fields["members"].choices
    labels = {str(label) for _value, label in options}
    assert "李明" in labels
    assert "jiaotong01" not in labels
