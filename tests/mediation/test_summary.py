"""The staff's summary (issue #11 item 2): mediations per town and per station, opened,
closed, with an agreement, and the success rate (成功率 = success / closed) for a year; scoped
like the pages; a fixed number of queries."""

import uuid
from datetime import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mediation.models import Mediation
from mediation.summary import Row, mediation_summary, success_rate
from petitions.models import Petition
from tests.helpers import admin_url, page_text
from tests.mediation.helpers import make_mediation_world

pytestmark = pytest.mark.django_db

_seq = iter(range(100000))


def _add(mw, *, town, station, outcome="", year=None, n=1):
    """``n`` mediations of ``town``'s disputes, closed with ``outcome`` (open without)."""
    year = year or timezone.localdate().year
    when = timezone.make_aware(datetime(year, 6, 1, 10))
    petitions = Petition.objects.bulk_create(
        [
            Petition(
                tracking_no=f"ZS-S-{next(_seq):05d}",
                token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
                channel=Petition.Channel.RECEPTION,
                text="纠纷",
                station=station,
                town=town,
                category=mw.dispute,
            )
            for _ in range(n)
        ]
    )
    mediations = Mediation.objects.bulk_create(
        [
            Mediation(
                petition=p,
                town=town,
                station=station,
                opened_by=mw.world.county,
                status="closed" if outcome else "open",
                outcome=outcome,
                agreement="协议" if outcome == "success" else "",
                closed_at=when if outcome else None,
            )
            for p in petitions
        ]
    )
    # auto_now_add set today: the year of opening is the test's to choose.
    Mediation.objects.filter(pk__in=[m.pk for m in mediations]).update(opened_at=when)


@pytest.fixture
def mw():
    mw = make_mediation_world()
    w = mw.world
    for outcome in ["success", "success", "success", "failed", "referred", ""]:
        _add(mw, town=w.town_a, station=w.station_a, outcome=outcome)
    _add(mw, town=w.town_b, station=w.station_b)
    return mw


def test_success_rate_is_success_among_the_closed():
    assert success_rate(3, 5) == 0.6
    assert success_rate(0, 0) is None
    assert Row("x", 6, 5, 3).percent == "60.0%"
    assert Row("x", 1, 0, 0).percent == "—"
    assert Row("x", 3, 3, 2).percent == "66.7%"


def test_it_counts_each_town_and_station(mw):
    summary = mediation_summary(user=mw.world.county, year=timezone.localdate().year)
    by_town = {r.label: (r.opened, r.closed, r.success, r.percent) for r in summary["by_town"]}
    assert by_town == {"甲镇": (6, 5, 3, "60.0%"), "乙镇": (1, 0, 0, "—")}
    by_station = {r.label: (r.opened, r.closed, r.success) for r in summary["by_station"]}
    assert by_station == {"甲镇 甲站": (6, 5, 3), "乙镇 乙站": (1, 0, 0)}
    assert (summary["total"].opened, summary["total"].closed, summary["total"].success) == (
        7,
        5,
        3,
    )


def test_another_year_counts_its_own(mw):
    last = timezone.localdate().year - 1
    _add(mw, town=mw.world.town_a, station=mw.world.station_a, outcome="failed", year=last)
    summary = mediation_summary(user=mw.world.county, year=last)
    assert [(r.label, r.opened, r.closed, r.success) for r in summary["by_town"]] == [
        ("甲镇", 1, 1, 0)
    ]


def test_the_page_shows_the_rate_to_county_staff(client, mw):
    client.force_login(mw.world.county)
    response = client.get(reverse("mediation:summary"))
    text = page_text(response)
    assert response.status_code == 200
    assert "60.0%" in text and "成功率" in text and "甲站" in text


def test_town_staff_see_only_their_town(client, mw):
    client.force_login(mw.world.town_staff_b)
    text = page_text(client.get(reverse("mediation:summary")))
    assert "乙镇" in text and "甲镇" not in text and "60.0%" not in text


@pytest.mark.parametrize("who", ["rep_a_user", "legal_a", "unit_user"])
def test_others_get_404(client, mw, who):
    client.force_login(getattr(mw, who, None) or getattr(mw.world, who))
    assert client.get(reverse("mediation:summary")).status_code == 404


def test_a_bad_year_shows_this_year(client, mw):
    client.force_login(mw.world.county)
    response = client.get(reverse("mediation:summary"), {"year": "abc"})
    assert response.status_code == 200 and "60.0%" in page_text(response)


def test_the_summary_runs_the_same_queries_for_1_and_50_rows(client, mw, django_assert_num_queries):
    client.force_login(mw.world.county)
    url = reverse("mediation:summary")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _add(mw, town=mw.world.town_a, station=mw.world.station_a, outcome="success", n=50)
    with django_assert_num_queries(len(few)):
        text = page_text(client.get(url))
    assert "56 " in text or "56" in text


def test_the_admin_index_links_to_the_summary(client, mw):
    client.force_login(mw.world.county)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("mediation:summary") in page and reverse("mediation:list") in page


def test_the_admin_list_is_scoped_to_the_town(client, mw):
    town_b = mw.world.town_staff_b
    town_b.user_permissions.add(Permission.objects.get(codename="view_mediation"))
    client.force_login(town_b)
    response = client.get(admin_url(Mediation, "changelist"))
    assert response.status_code == 200
    text = page_text(response)
    b = Mediation.objects.get(town=mw.world.town_b).petition.tracking_no
    a = Mediation.objects.filter(town=mw.world.town_a).first().petition.tracking_no
    assert b in text and a not in text
    other = Mediation.objects.filter(town=mw.world.town_a).first()
    assert client.get(admin_url(Mediation, "change", other.pk)).status_code in (302, 404)
