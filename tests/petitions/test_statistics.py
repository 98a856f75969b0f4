"""Statistics for staff (issue #3, item 12): the figures are right on a hand-built set of
concerns, stay in the user's scope, run in constant queries, and export to CSV and XLSX
without letting a name become a spreadsheet formula."""

import csv
import io
import uuid
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from liaison.models import HandlingUnit
from liaison.roles import roles_for
from petitions import escalation, services, statistics, workflow
from petitions.models import Category, Petition, Survey, Visit
from tests.base import make_town, make_user, make_world, receive, to_step
from tests.helpers import page_text, tags, tr
from tests.second_factor import SECOND_FACTOR

pytestmark = pytest.mark.django_db

CHANNEL = Petition.Channel
OUTCOME = Petition.Outcome
TOWN, COUNTY = Petition.Level.TOWN, Petition.Level.COUNTY


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    return make_world()


# --- building concerns through the workflow only ------------------------------------------------


def _receive(world, *, rep=None, channel=CHANNEL.QR):
    rep = rep or world.rep_a
    petition, _token, _created = services.petition_receive(
        channel=channel,
        text="村口道路破损严重，雨天积水难以通行。",
        representative=rep,
        station=rep.memberships.first().station,
        consent=True,
        submit_key=uuid.uuid4(),
    )
    return petition


def _to_assigned(world, petition, *, level, category, unit=None, deadline=None):
    workflow.petition_collect(petition=petition, actor=world.county, category=category, level=level)
    workflow.petition_assign(
        petition=petition, actor=world.county, unit=unit or world.unit, deadline=deadline
    )
    return petition


def _report(world, petition, outcome=OUTCOME.SOLVED, actor=None):
    workflow.petition_report(
        petition=petition, actor=actor or world.unit_user, result="已处理。", outcome=outcome
    )


def _at_noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


@pytest.fixture
def figures(world, monkeypatch):
    """Eight concerns, each driven through the workflow to a known state."""
    env, _ = Category.objects.get_or_create(name="环境卫生")
    p = {}
    # 1. received, nothing more.
    p[1] = _receive(world)
    # 2. not accepted, from a phone call.
    p[2] = _receive(world, channel=CHANNEL.PHONE)
    workflow.petition_reject(
        petition=p[2], actor=world.county, reason="不属人大职责", guidance="请向法院起诉"
    )
    # 3. town level, reported on time, 满意: closed.
    p[3] = _to_assigned(world, _receive(world), level=TOWN, category=world.category)
    _report(world, p[3])
    workflow.petition_survey(petition=p[3], rating=Survey.Rating.SATISFIED)
    # 4. county level, in town B: 不满意 once, reported again, 基本满意: closed.
    p[4] = _to_assigned(world, _receive(world, rep=world.rep_b), level=COUNTY, category=env)
    _report(world, p[4], OUTCOME.ANSWERED)
    workflow.petition_survey(petition=p[4], rating=Survey.Rating.UNSATISFIED)
    _report(world, p[4], OUTCOME.SOLVED)
    workflow.petition_survey(petition=p[4], rating=Survey.Rating.BASICALLY)
    # 5. county level, in town B: 不满意, back to supervising (its old outcome does not count).
    p[5] = _to_assigned(world, _receive(world, rep=world.rep_b), level=COUNTY, category=env)
    _report(world, p[5], OUTCOME.ANSWERED)
    workflow.petition_survey(petition=p[5], rating=Survey.Rating.UNSATISFIED)
    # 6. town level, due at the earliest deadline the workflow allows, reported two days late.
    p[6] = _to_assigned(
        world,
        _receive(world),
        level=TOWN,
        category=world.category,
        unit=world.other_unit,
        deadline=timezone.localdate(),
    )
    with monkeypatch.context() as later:
        later.setattr(timezone, "now", lambda: _at_noon(p[6].deadline + timedelta(days=2)))
        workflow.petition_report(
            petition=p[6], actor=world.county, result="不属本单位。", outcome=OUTCOME.NOT_REMIT
        )
    # 7. town level, assigned with the same early deadline, not yet acknowledged.
    p[7] = _to_assigned(
        world, _receive(world), level=TOWN, category=world.category, deadline=timezone.localdate()
    )
    # 8. from the station's page, merged into the first one as a common issue.
    p[8] = _receive(world, channel=CHANNEL.STATION_PAGE)
    workflow.petition_merge(petition=p[8], actor=world.county, into=p[1])
    for petition in p.values():
        petition.refresh_from_db()
    return {"p": p, "environment": env}


def _table(stats, key):
    table = next(t for t in stats.tables if t.key == key)
    return {row.key: row.count for row in table.rows}


# --- the figures ------------------------------------------------------------------------------


def test_it_counts_by_step(world, figures):
    stats = statistics.petition_statistics(user=world.county)
    assert stats.total == 8
    assert _table(stats, "step") == {
        "received": 1,
        "collected": 0,
        "assigned": 1,
        "supervising": 1,
        "reported": 1,
        "surveyed": 0,
        "closed": 2,
        "rejected": 1,
        "merged": 1,
    }


def test_it_counts_by_town_level_channel_category_and_unit(world, figures):
    stats = statistics.petition_statistics(user=world.county)
    assert _table(stats, "town") == {str(world.town_a.pk): 6, str(world.town_b.pk): 2}
    # 分级交办: town level and county level, and those not yet classified.
    assert _table(stats, "level") == {"town": 3, "county": 2, "": 3}
    assert _table(stats, "channel") == {
        "qr": 6,
        "station_page": 1,
        "reception": 0,
        "outreach": 0,
        "snapshot": 0,
        "activity": 0,
        "petition_hall": 0,
        "phone": 1,
        # The channels staff intake added (issue 9).
        "letter": 0,
        "hotline_12345": 0,
    }
    assert _table(stats, "category") == {
        str(world.category.pk): 3,
        str(figures["environment"].pk): 2,
        "": 3,
    }
    assert _table(stats, "unit") == {
        str(world.unit.pk): 4,
        str(world.other_unit.pk): 1,
        "": 3,
    }


def test_it_lists_named_rows_most_frequent_first_and_unset_last(world, figures):
    stats = statistics.petition_statistics(user=world.county)
    category = next(t for t in stats.tables if t.key == "category")
    assert [r.count for r in category.rows] == [3, 2, 3]
    assert category.rows[0].label == world.category.name
    assert category.rows[-1].key == ""
    assert str(category.rows[-1].label) == str(statistics.NOT_SET)


def test_it_counts_closing_outcomes_that_stand(world, figures):
    stats = statistics.petition_statistics(user=world.county)
    # No. 5 went back to supervising: its earlier "answered" no longer stands.
    assert _table(stats, "outcome") == {
        "solved": 2,
        "answered": 0,
        "not_remit": 1,
        "duplicate": 1,
        "referred": 0,
    }


def test_it_counts_overdue_concerns_by_their_deadline(world, figures):
    p = figures["p"]
    assert statistics.petition_statistics(user=world.county).overdue == 0
    day_after = p[7].deadline + timedelta(days=1)
    assert p[5].deadline > day_after
    stats = statistics.petition_statistics(user=world.county, today=day_after)
    # No. 7 is past its deadline; No. 6 was late too, but it has reported.
    assert stats.overdue == 1


def test_it_computes_the_on_time_share_among_reported_ones(world, figures):
    stats = statistics.petition_statistics(user=world.county)
    # Reported: 3 and 4 on time, 6 two days late; 5 was sent back, so it waits again.
    assert (stats.reported, stats.on_time) == (3, 2)
    assert stats.on_time_share == pytest.approx(2 / 3)


def test_it_rates_satisfaction_by_each_concerns_latest_rating(world, figures):
    stats = statistics.petition_statistics(user=world.county)
    # 3 满意; 4 不满意 then 基本满意 (counts as satisfied); 5 不满意.
    assert (stats.surveyed, stats.satisfied) == (3, 2)
    assert stats.satisfaction_rate == pytest.approx(2 / 3)


def test_it_has_no_rate_when_nothing_is_reported_or_rated(world):
    _receive(world)
    stats = statistics.petition_statistics(user=world.county)
    assert stats.total == 1
    assert stats.on_time_share is None
    assert stats.satisfaction_rate is None


def test_it_filters_by_year_and_town(world, figures):
    this_year = timezone.localdate().year
    assert statistics.petition_statistics(user=world.county, year=this_year).total == 8
    assert statistics.petition_statistics(user=world.county, year=this_year - 1).total == 0
    in_b = statistics.petition_statistics(user=world.county, town=world.town_b)
    assert in_b.total == 2
    assert (in_b.surveyed, in_b.satisfied) == (2, 1)


def test_it_counts_only_what_the_user_may_see(world, figures):
    town_b = statistics.petition_statistics(user=world.town_staff_b)
    assert town_b.total == 2
    assert _table(town_b, "town") == {str(world.town_b.pk): 2}
    assert statistics.petition_statistics(user=world.town_staff_a).total == 6
    assert statistics.petition_statistics(user=make_user(staff=True)).total == 0


def test_it_counts_in_one_query_or_one_per_table(world, figures, django_assert_num_queries):
    """One GROUPING SETS scan and three look-ups of names on PostgreSQL; one query per table
    and one for the totals elsewhere."""
    roles_for(world.county)  # cached for the request, as in a view
    with django_assert_num_queries(FIGURES_QUERIES):
        statistics.petition_statistics(user=world.county, year=2026, town=world.town_a)


# --- formula injection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "  =1+1", '=HYPERLINK("http://x","y")'],
)
def test_it_neutralises_text_that_could_start_a_formula(text):
    assert statistics.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["道路交通", "a=b", "1-2", 0, 12, 0.5, None])
def test_it_leaves_other_cells_alone(value):
    assert statistics.neutralise(value) == value


# --- the page -----------------------------------------------------------------------------------

PAGE = reverse("petitions:staff_statistics")
CSV = reverse("petitions:staff_statistics_csv")
XLSX = reverse("petitions:staff_statistics_xlsx")


def test_county_staff_see_the_figures_and_charts(client, world, figures):
    client.force_login(world.county)
    response = client.get(PAGE)
    assert response.status_code == 200
    text = page_text(response)
    for title in ("By step", "By town", "By level", "By channel", "By category"):
        assert tr(title) in text
    assert tr("By closing outcome") in text
    assert tr("On-time share") in text
    assert tr("Satisfaction rate") in text
    assert response.context["stats"].total == 8
    assert "67%" in text  # 2 of 3, both rates
    # Server-drawn bars, one per row, the longest full width; no script, no CDN.
    bars = [r for r in tags(response, "rect") if r.get("height") == "10"]
    assert len(bars) == sum(len(t.rows) for t in response.context["stats"].tables)
    assert "100.0" in {b["width"] for b in bars}
    assert all(not (s.get("src") or "").startswith("http") for s in tags(response, "script"))


def test_the_page_links_both_exports_with_the_same_filters(client, world, figures):
    client.force_login(world.county)
    response = client.get(PAGE, {"year": "2026", "town": world.town_b.pk})
    hrefs = {a.get("href") for a in tags(response, "a")}
    query = f"year=2026&town={world.town_b.pk}"
    assert f"{CSV}?{query}" in hrefs
    assert f"{XLSX}?{query}" in hrefs


def test_it_filters_the_page(client, world, figures):
    client.force_login(world.county)
    assert client.get(PAGE, {"town": world.town_b.pk}).context["stats"].total == 2
    assert client.get(PAGE, {"year": "2001"}).context["stats"].total == 8  # not a choice
    assert client.get(PAGE, {"year": "abc", "town": "x"}).context["stats"].total == 8


def test_town_staff_choose_only_among_their_towns(client, world, figures):
    client.force_login(world.town_staff_b)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert list(response.context["form"].fields["town"].queryset) == [world.town_b]
    assert response.context["stats"].total == 2


@pytest.mark.parametrize("url", [PAGE, CSV, XLSX])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [PAGE, CSV, XLSX])
@pytest.mark.parametrize("who", ["rep_a_user", "unit_user", "staff_without_scope"])
def test_only_congress_staff_see_the_statistics(client, world, url, who):
    user = make_user(staff=True) if who == "staff_without_scope" else getattr(world, who)
    client.force_login(user)
    assert client.get(url).status_code == 404


def test_the_statistics_refuse_a_post(client, world):
    client.force_login(world.county)
    assert client.post(PAGE).status_code == 405


def test_staff_reach_the_statistics_from_the_admin(client, world):
    client.force_login(world.county)
    index = client.get(reverse("admin:index"))
    assert PAGE in {a.get("href") for a in tags(index, "a")}
    assert tr("Statistics and exports") in page_text(index)


def test_the_admin_index_has_no_link_for_staff_without_a_scope(client):
    client.force_login(make_user(staff=True))
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert PAGE not in {a.get("href") for a in tags(index, "a")}


def test_the_concern_list_links_the_statistics(client):
    client.force_login(make_user(superuser=True))
    response = client.get(reverse("admin:petitions_petition_changelist"))
    assert PAGE in {a.get("href") for a in tags(response, "a")}


# The figures: on PostgreSQL one scan (GROUPING SETS) and the names of the towns, stations,
# representatives, categories and units it counted; elsewhere one query for the totals and
# one per table (ten); the visits by town; the extensions and escalations per unit. None
# once cached.
FIGURES_QUERIES = 8 if connection.vendor == "postgresql" else 13
# The session, the user, the roles (scope, representative, units), the first year and the
# towns of the filter, the figures, and the user's and groups' permissions for the menu; the
# county staff's second factor.
STATISTICS_PAGE_QUERIES = 9 + FIGURES_QUERIES + SECOND_FACTOR


@pytest.mark.parametrize("rows", [1, 30])
def test_the_page_runs_in_constant_queries(client, world, django_assert_num_queries, rows):
    for index in range(rows):
        petition = _receive(world, rep=world.rep_a if index % 2 else world.rep_b)
        if index % 3 == 0:
            _to_assigned(world, petition, level=COUNTY, category=world.category)
    client.force_login(world.county)
    with django_assert_num_queries(STATISTICS_PAGE_QUERIES):
        response = client.get(PAGE)
    assert response.context["stats"].total == rows
    # Opened again (or exported), the figures come from the cache.
    with django_assert_num_queries(STATISTICS_PAGE_QUERIES - FIGURES_QUERIES):
        response = client.get(PAGE)
    assert response.context["stats"].total == rows


def test_any_change_to_a_concern_makes_the_cached_figures_stale(client, world):
    client.force_login(world.county)
    petition = _receive(world, rep=world.rep_a)
    assert client.get(PAGE).context["stats"].total == 1
    _receive(world, rep=world.rep_b)  # a new concern
    assert client.get(PAGE).context["stats"].total == 2
    _to_assigned(world, petition, level=COUNTY, category=world.category)  # a transition
    stats = client.get(PAGE).context["stats"]
    assert {r.key: r.count for r in stats.tables[0].rows}["assigned"] == 1


def test_the_figures_of_one_scope_are_not_anothers(client, world):
    _receive(world, rep=world.rep_a)
    _receive(world, rep=world.rep_b)
    client.force_login(world.county)
    county_total = client.get(PAGE).context["stats"].total
    client.force_login(world.town_staff_a)
    town_total = client.get(PAGE).context["stats"].total
    assert (county_total, town_total) == (2, 1)


# --- the exports --------------------------------------------------------------------------------

EVIL_CATEGORY = '=HYPERLINK("http://x.cn","y")'
EVIL_UNIT = "@SUM(1+1)*cmd|' /C calc'!A0"
EVIL_TOWN = "-2+3+cmd|' /C calc'!A0"


@pytest.fixture
def evil(world):
    """Names a careless export would hand to Excel as formulas."""
    category = Category.objects.create(name=EVIL_CATEGORY)
    unit = HandlingUnit.objects.create(name=EVIL_UNIT, kind=HandlingUnit.Kind.COUNTY_DEPARTMENT)
    petition = _receive(world)
    workflow.petition_collect(
        petition=petition,
        actor=world.county,
        category=category,
        level=COUNTY,
        town=make_town(EVIL_TOWN),
    )
    workflow.petition_assign(petition=petition, actor=world.county, unit=unit)
    return petition


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_is_utf8_with_a_bom(client, world, figures):
    client.force_login(world.county)
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = _csv_rows(response)
    assert rows[0] == [tr("Table"), tr("Item"), tr("Number")]
    # The same tables as the page: every row of every table, with its count.
    stats = statistics.petition_statistics(user=world.county)
    for table in stats.tables:
        for row in table.rows:
            assert [str(table.title), str(row.label), str(row.count)] in rows
    assert [tr("Summary"), tr("On-time share"), "66.7%"] in rows
    assert [tr("Summary"), tr("Satisfaction rate"), "66.7%"] in rows


def test_the_csv_neutralises_formulas(client, world, evil):
    client.force_login(world.county)
    cells = [cell for row in _csv_rows(client.get(CSV)) for cell in row]
    for name in (EVIL_CATEGORY, EVIL_UNIT, EVIL_TOWN):
        assert "'" + name in cells
        assert name not in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_the_xlsx_opens_and_neutralises_formulas(client, world, figures, evil):
    client.force_login(world.county)
    response = client.get(XLSX)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    values = [c.value for c in cells]
    for name in (EVIL_CATEGORY, EVIL_UNIT, EVIL_TOWN):
        assert "'" + name in values
    assert all(c.data_type != "f" for c in cells)
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)
    # Counts are numbers, shares are numbers shown as percentages.
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [tr("Summary"), tr("Concerns"), 9] in rows
    share = next(row for row in sheet.iter_rows() if row[1].value == tr("On-time share"))[2]
    assert share.value == pytest.approx(2 / 3)
    assert share.number_format == "0.0%"


DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Nothing listens on port 1: every cache call fails at once.
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def test_the_figures_are_counted_when_the_cache_is_down(client, world, settings, caplog):
    _receive(world, rep=world.rep_a)
    settings.CACHES = DEAD_REDIS
    client.force_login(world.county)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["stats"].total == 1
    _receive(world, rep=world.rep_b)  # a change, with nothing to invalidate
    assert client.get(PAGE).context["stats"].total == 2
    assert "statistics cache unreachable" in caplog.text


def test_it_counts_by_month_station_representative_and_what_each_unit_drew(world):
    first = _receive(world, rep=world.rep_a)
    _receive(world, rep=world.rep_b)
    petition, _token = receive(world)
    to_step(world, petition, "supervising")
    deadline = Petition.objects.get(pk=petition.pk).deadline
    services.petitions_mark_warnings(today=deadline + timedelta(days=1))
    petition.refresh_from_db()
    escalation.petition_public_notice(petition=petition, actor=world.county, note="通报")
    escalation.petition_flag(petition=petition, actor=world.county, note="")
    Visit.objects.create(
        representative=world.rep_a,
        date=timezone.localdate(),
        place_kind=Visit.PlaceKind.COUNTRYSIDE,
        place="甲村",
        town=world.town_a,
        recorded_by=world.rep_a_user,
    )
    stats = statistics.count_statistics(user=world.county, today=timezone.localdate())
    tables = {t.key: {r.key: r.count for r in t.rows} for t in stats.tables}
    this_month = f"{timezone.localdate():%Y-%m}"
    assert tables["month"] == {this_month: 3}
    assert tables["representative"][str(world.rep_a.pk)] >= 1
    assert tables["station"][str(first.station_id)] >= 1
    assert tables["visits"] == {str(world.town_a.pk): 1}
    unit = str(petition.unit_id)
    assert tables["escalations"] == {unit: 1}
    assert tables["public_notices"] == {unit: 1}
    assert tables["flagged"] == {unit: 1}
    assert tables["extensions"] == {}
