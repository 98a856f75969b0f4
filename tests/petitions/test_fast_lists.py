"""Staff pages at 100,000 concerns (issue #12): what the faster queries return is what the
plain ones returned, on the demo county plus concerns made to catch the edge cases.

- Scope: each persona's rows equal an independent reading of the rules, written here in
  plain Python over every concern (no ``Q``, no subquery).
- Paging: every page of the admin list, read by the deferred join, equals the same page of
  the plainly ordered list.
- Statistics: every figure equals a count in Python over the rows, the latest rating read
  from the Survey rows (the unoptimised subquery's meaning).
- Search: the bigram index finds exactly the rows of the plain ``icontains``.
- On PostgreSQL, the indexes can serve the queries they were made for (EXPLAIN, with
  sequential scans and sorts discouraged: a table this small is otherwise read whole).
"""

import uuid
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F
from django.db.models.functions import Right
from django.urls import reverse
from django.utils import timezone

from liaison.models import StaffScope, Station, StationMembership
from liaison.paging import DeferredJoinPaginator
from liaison.roles import roles_for
from petitions import access, search, services, statistics
from petitions.admin import PetitionAdmin
from petitions.models import (
    HANDLING_STEPS,
    RESULT_STEPS,
    Category,
    Notification,
    PersonalDataView,
    Petition,
    Reception,
    Survey,
)
from petitions.views import unit as unit_view
from petitions.views.unit import unit_queryset

pytestmark = pytest.mark.django_db

User = get_user_model()
DEMO_LOGINS = ["admin", "xianrenda", "zhenjie", "daibiao", "danwei"]
# Texts that make the bigram rule earn its keep: ASCII in both cases, a character whose
# upper case is two characters, whitespace inside, a single character, punctuation.
EDGE_TEXTS = [
    "Street light 路灯 broken; STREET LIGHT again",
    "Straße 路 灯 apart, not together",
    "饮水\n困难，水管冻裂",
    "路",
    "「路灯」坏了！！",
]


@pytest.fixture
def county(demo):
    """The demo county plus the edge cases, and a station staff login the demo has none of."""
    station = Station.objects.order_by("pk").first()
    for text in EDGE_TEXTS:
        services.petition_receive(
            channel=Petition.Channel.PHONE,
            text=text,
            representative=None,
            station=station,
            consent=True,
            submit_key=uuid.uuid4(),
        )
    user = User.objects.create_user("station_clerk")
    StaffScope.objects.create(user=user, level=StaffScope.Level.STATION, station=station)
    return station


def _personas():
    return [User.objects.get(username=u) for u in [*DEMO_LOGINS, "station_clerk"]]


# --- scope, read plainly ------------------------------------------------------------------


def _plainly_visible(roles, petitions) -> set[int]:
    """The scope rules of petitions/rules.py, read one concern at a time in Python."""
    accusations = set(Category.objects.filter(is_accusation=True).values_list("pk", flat=True))
    station_town = dict(Station.objects.values_list("pk", "town_id"))
    members = set(
        StationMembership.objects.filter(station_id=roles.station_id).values_list(
            "representative_id", flat=True
        )
    )
    seen = set()
    for p in petitions:
        in_town = roles.town_id is not None and roles.town_id in (
            p.town_id,
            station_town.get(p.station_id),
        )
        at_station = roles.station_id is not None and (
            p.station_id == roles.station_id or p.representative_id in members
        )
        as_rep = roles.representative_id is not None and (
            p.representative_id == roles.representative_id
            or p.station_id in roles.rep_station_ids
            or p.village_id in roles.grid_village_ids  # the villages of their grids (issue #11)
        )
        as_unit = p.unit_id in roles.unit_ids
        if roles.county:
            scope = True
        else:
            scope = (in_town or at_station or as_rep or as_unit) and (
                p.category_id not in accusations or as_unit
            )
        accused = p.accused_unit_id in roles.unit_ids or (
            roles.representative_id is not None
            and p.accused_representative_id == roles.representative_id
        )
        if scope and not accused:
            seen.add(p.pk)
    return seen


def test_each_persona_lists_exactly_what_the_rules_say(county):
    petitions = list(Petition.objects.all())
    assert len(petitions) > 40
    for user in _personas():
        listed = set(access.petitions_for_user(user).values_list("pk", flat=True))
        assert listed == _plainly_visible(roles_for(user), petitions), user.username


# --- paging -------------------------------------------------------------------------------


@pytest.mark.parametrize("per_page", [1, 7, 50])
def test_every_deferred_page_is_the_plain_page(county, per_page):
    qs = Petition.objects.select_related("town", "category").order_by("-created_at", "-pk")
    plain, deferred = Paginator(qs, per_page), DeferredJoinPaginator(qs, per_page)
    assert deferred.num_pages == plain.num_pages > 0
    for number in plain.page_range:
        assert [p.pk for p in deferred.page(number)] == [p.pk for p in plain.page(number)]


def test_the_admin_lists_every_concern_once_across_its_pages(client, county, settings):
    user = User.objects.get(username="xianrenda")
    client.force_login(user)
    url = reverse("admin:petitions_petition_changelist")
    expected = list(access.petitions_for_user(user).values_list("pk", flat=True))
    # Pages of 10: the demo's fifty-odd concerns over six pages, the last one short.
    per_page = PetitionAdmin.list_per_page
    PetitionAdmin.list_per_page = 10
    try:
        listed, page = [], 0
        while True:
            response = client.get(url, {"p": page + 1} if page else {})
            assert response.status_code == 200
            rows = [p.pk for p in response.context["cl"].result_list]
            listed.extend(rows)
            page += 1
            if page >= response.context["cl"].paginator.num_pages:
                break
    finally:
        PetitionAdmin.list_per_page = per_page
    assert listed == expected


# --- statistics, counted plainly ------------------------------------------------------------


def _plain_figures(user, *, year=None, town=None):
    today = timezone.localdate()
    rows = list(statistics.scoped_petitions(user=user, year=year, town=town))
    latest = {}
    for survey in Survey.objects.order_by("petition_id", "round"):
        latest[survey.petition_id] = survey.rating
    reported = [
        p
        for p in rows
        if p.step in RESULT_STEPS and p.reported_at is not None and p.deadline is not None
    ]
    satisfied = {Survey.Rating.SATISFIED, Survey.Rating.BASICALLY}
    return {
        "total": len(rows),
        "overdue": sum(1 for p in rows if p.step in HANDLING_STEPS and p.deadline < today),
        "reported": len(reported),
        "on_time": sum(1 for p in reported if timezone.localdate(p.reported_at) <= p.deadline),
        "surveyed": sum(1 for p in rows if p.pk in latest),
        "satisfied": sum(1 for p in rows if latest.get(p.pk) in satisfied),
        "step": Counter(p.step for p in rows),
        "town": Counter(p.town_id for p in rows),
        "channel": Counter(p.channel for p in rows),
        "category": Counter(p.category_id for p in rows),
        "unit": Counter(p.unit_id for p in rows),
    }


def _figures(stats):
    tables = {t.key: {r.key: r.count for r in t.rows if r.count} for t in stats.tables}

    def keyed(table, cast=int):
        return Counter({(cast(k) if k else None): n for k, n in tables[table].items()})

    return {
        "total": stats.total,
        "overdue": stats.overdue,
        "reported": stats.reported,
        "on_time": stats.on_time,
        "surveyed": stats.surveyed,
        "satisfied": stats.satisfied,
        "step": Counter(tables["step"]),
        "town": keyed("town"),
        "channel": Counter(tables["channel"]),
        "category": keyed("category"),
        "unit": keyed("unit"),
    }


def test_every_figure_equals_a_plain_count(county):
    this_year = timezone.localdate().year
    for user in [User.objects.get(username=u) for u in ("xianrenda", "zhenjie")] + [
        User.objects.get(username="station_clerk")
    ]:
        roles = roles_for(user)
        town = county.town if roles.county else None
        for filters in ({}, {"year": this_year}, {"year": this_year - 5}, {"town": town}):
            stats = statistics.count_statistics(user=user, today=timezone.localdate(), **filters)
            assert _figures(stats) == _plain_figures(user, **filters), (user, filters)
    assert statistics.count_statistics(
        user=User.objects.get(username="xianrenda"), today=timezone.localdate()
    ).surveyed, "the demo rates some concerns: the comparison must not be vacuous"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GROUPING SETS: PostgreSQL")
def test_the_one_scan_counts_what_the_table_by_table_way_counts(county):
    today = timezone.localdate()
    for username in ("xianrenda", "zhenjie", "station_clerk", "danwei"):
        user = User.objects.get(username=username)
        for filters in ({}, {"year": today.year}, {"town": county.town}):
            qs = statistics.scoped_petitions(user=user, **filters)
            one = statistics._count_in_one_scan(qs, today, connection)
            many = statistics._count_table_by_table(qs, today)
            assert one == many, (username, filters)


def test_the_cached_figures_are_the_counted_ones(county):
    user = User.objects.get(username="xianrenda")
    first = statistics.petition_statistics(user=user)
    again = statistics.petition_statistics(user=user)  # from the cache
    assert again == first == statistics.count_statistics(user=user, today=timezone.localdate())


# --- search ------------------------------------------------------------------------------


def _terms():
    """Every two- and three-character piece of every concern, and some that are not."""
    terms = {"路", "路灯", "路 灯", "straße", "STRASSE", "light", "LIGHT", "Lig", "」坏", "水\n困"}
    for text in Petition.objects.values_list("text", flat=True):
        for size in (2, 3):
            terms.update(text[i : i + size] for i in range(0, len(text) - size + 1, 7))
    return sorted(t for t in terms if t.strip())


def test_the_index_finds_exactly_the_rows_of_the_plain_like(county):
    terms = _terms()
    assert len(terms) > 200
    for term in terms:
        found = set(Petition.objects.filter(search.words_q(term)).values_list("pk", flat=True))
        plain = set(Petition.objects.filter(text__icontains=term).values_list("pk", flat=True))
        assert found == plain, term


def test_the_admin_search_finds_words_a_tracking_number_and_a_phone(admin_client, county):
    url = reverse("admin:petitions_petition_changelist")

    def found(q):
        response = admin_client.get(url, {"q": q})
        assert response.status_code == 200
        return {p.pk for p in response.context["cl"].result_list}

    assert found("路灯") == set(
        Petition.objects.filter(text__icontains="路灯").values_list("pk", flat=True)
    )
    some = Petition.objects.exclude(citizen_phone="").order_by("pk").first()
    assert found(some.tracking_no) == {some.pk}
    assert found(some.tracking_no.lower()) == {some.pk}
    # Exact: a tracking number's beginning is not a search for every number of the year.
    assert found(some.tracking_no[:-1]) == set(
        Petition.objects.filter(text__icontains=some.tracking_no[:-1]).values_list("pk", flat=True)
    )
    by_phone = set(
        Petition.objects.filter(citizen_phone__endswith=some.citizen_phone[-4:]).values_list(
            "pk", flat=True
        )
    )
    assert found(some.citizen_phone[-4:]) >= by_phone >= {some.pk}
    assert some.pk in found(some.masked_phone)
    # Every word must match.
    assert found("路灯 不存在的词") == set()


# --- the indexes, on PostgreSQL ----------------------------------------------------------


def _plan(qs) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    return qs.explain()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_postgresql_serves_each_list_from_its_index(county):
    assert "petition_text_bigrams_gin" in _plan(
        Petition.objects.filter(search.words_q("路灯")).order_by()
    )
    assert "petition_newest_idx" in _plan(Petition.objects.order_by("-created_at", "-id")[:100])
    danwei = User.objects.get(username="danwei")
    unit_ids = roles_for(danwei).unit_ids
    queue = unit_queryset(danwei, unit_ids).order_by(
        "open_first", F("deadline").asc(nulls_last=True), "-created_at", "-pk"
    )
    assert "petition_unit_queue_idx" in _plan(queue[:50])
    last4 = (
        Petition.objects.order_by()
        .alias(phone_last4=Right("citizen_phone", 4))
        .filter(phone_last4="1234")
    )
    assert "petition_phone_last4_idx" in _plan(last4)
    assert "petition_card_idx" in _plan(Petition.objects.order_by().filter(warning="red"))
    # A town's scope: its concerns, or those received at its stations, through both indexes.
    town_plan = _plan(access.petitions_for_user(User.objects.get(username="zhenjie")).order_by())
    assert "BitmapOr" in town_plan and "station_id" in town_plan, town_plan


def test_the_received_filter_lists_years_and_months(admin_client, county):
    url = reverse("admin:petitions_petition_changelist")
    this_year = timezone.localdate().year
    response = admin_client.get(url, {"received": str(this_year)})
    assert response.status_code == 200
    assert {p.pk for p in response.context["cl"].result_list} == set(
        Petition.objects.filter(created_at__year=this_year).values_list("pk", flat=True)
    )
    month = timezone.localdate().month
    response = admin_client.get(url, {"received": f"{this_year}-{month:02d}"})
    assert {p.pk for p in response.context["cl"].result_list} == set(
        Petition.objects.filter(created_at__year=this_year, created_at__month=month).values_list(
            "pk", flat=True
        )
    )
    # A month that is not one is ignored, not an error.
    response = admin_client.get(url, {"received": f"{this_year}-13"})
    assert response.status_code == 200


# --- the records written about concerns -----------------------------------------------------

RECORD_LISTS = [
    ("survey", Survey, "created_at"),
    ("reception", Reception, "created_at"),
    ("notification", Notification, "created_at"),
    ("personaldataview", PersonalDataView, "viewed_at"),
]


@pytest.fixture
def clerk(county):
    """The station clerk, signed in to the administration with view rights on the records."""
    user = User.objects.get(username="station_clerk")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="petitions", codename__startswith="view_"
        )
    )
    # Someone saw personal data of every concern, so the list has rows in and out of scope.
    viewer = User.objects.get(username="xianrenda")
    for petition in Petition.objects.all():
        PersonalDataView.objects.create(user=viewer, petition=petition, where="admin")
    return user


@pytest.mark.parametrize(("model_name", "model", "date_field"), RECORD_LISTS)
def test_each_record_list_shows_the_rows_of_the_concerns_in_scope(
    client, clerk, model_name, model, date_field
):
    visible = set(access.petitions_for_user(clerk).values_list("pk", flat=True))
    rows = model.objects.all()
    if model is Notification:
        expected = {n.pk for n in rows if n.petition_id in visible or n.recipient_id == clerk.pk}
    else:
        expected = {r.pk for r in rows if r.petition_id in visible}
    assert rows.count() > len(expected) or model in (Reception, Notification)
    client.force_login(clerk)
    url = reverse(f"admin:petitions_{model_name}_changelist")
    response = client.get(url)
    assert response.status_code == 200
    assert {r.pk for r in response.context["cl"].result_list} == expected
    # The year filter, and a search by an exact tracking number.
    this_year = str(timezone.localdate().year)
    response = client.get(url, {"date": this_year})
    assert response.status_code == 200
    assert {r.pk for r in response.context["cl"].result_list} == {
        r.pk for r in rows if r.pk in expected and str(getattr(r, date_field).year) == this_year
    }
    some = model.objects.filter(pk__in=expected).first()
    if some is not None:
        response = client.get(url, {"q": some.petition.tracking_no})
        found = {r.pk for r in response.context["cl"].result_list}
        assert some.pk in found
        assert {r.petition_id for r in model.objects.filter(pk__in=found)} == {some.petition_id}


def test_every_page_of_a_units_list_follows_its_order(client, county, monkeypatch):
    danwei = User.objects.get(username="danwei")
    queue = unit_queryset(danwei, roles_for(danwei).unit_ids).order_by(
        "open_first", F("deadline").asc(nulls_last=True), "-created_at", "-pk"
    )
    expected = list(queue.values_list("pk", flat=True))
    assert len(expected) >= 4
    monkeypatch.setattr(unit_view, "ROWS_PER_PAGE", 3)
    client.force_login(danwei)
    listed = []
    for number in range(1, (len(expected) + 2) // 3 + 1):
        response = client.get(reverse("petitions:unit_list"), {"page": number})
        listed.extend(p.pk for p in response.context["page"].object_list)
    assert listed == expected
