"""Publication (issue #4, item 8; 代表法 Art. 58): a representative's yearly total and grade
appear on their public page once staff publish the year, never before, never for a year not
published, and always from the run the publication pins."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from points import publication
from points.models import AnnualReport, Publication, ReportRun
from points.services import PointsError
from tests.base import make_representative, make_station, make_user
from tests.helpers import page_text, tr

pytestmark = pytest.mark.django_db

YEAR = 2025
# the representative, memberships, stations, towns, the published yearly records
REPRESENTATIVE_PAGE_QUERIES = 5 + 1 + 2  # + grids; the five links: leaders, groups (issue #11)


@pytest.fixture
def staff():
    return make_user(staff=True)


@pytest.fixture
def rep():
    return make_representative(name="孙代表", station=make_station())


def finished_run(year, reports, *, ago=timedelta(0)):
    """A finished run of ``year`` with (representative, total, grade) rows, as the year-end
    build leaves it."""
    run = ReportRun.objects.create(
        year=year,
        status=ReportRun.Status.DONE,
        total=len(reports),
        done=len(reports),
        finished_at=timezone.now() - ago,
    )
    for rank, (rep, total, grade) in enumerate(reports, start=1):
        AnnualReport.objects.create(
            run=run, representative=rep, year=year, total=Decimal(total), rank=rank, grade=grade
        )
    return run


def shown(total) -> str:
    return tr("%(total)s points") % {"total": total}


def test_it_shows_nothing_before_the_year_is_published(client, rep):
    finished_run(YEAR, [(rep, "88.0", "优秀")])
    text = page_text(client.get(rep.get_absolute_url()))
    assert tr("Performance record") not in text
    assert shown("88.0") not in text
    assert "优秀" not in text
    assert publication.published_report_for(rep) == []


def test_it_shows_the_total_and_grade_once_the_year_is_published(client, rep, staff):
    finished_run(YEAR, [(rep, "88.0", "优秀")])
    publication.year_publish(year=YEAR, actor=staff)
    text = page_text(client.get(rep.get_absolute_url()))
    assert tr("Performance record") in text
    assert tr("Year %(year)s") % {"year": YEAR} in text
    assert shown("88.0") in text
    assert "优秀" in text


def test_it_never_shows_a_year_not_published(client, rep, staff):
    finished_run(YEAR, [(rep, "88.0", "优秀")])
    finished_run(YEAR + 1, [(rep, "52.0", "基本合格")])
    publication.year_publish(year=YEAR, actor=staff)
    text = page_text(client.get(rep.get_absolute_url()))
    assert shown("88.0") in text
    assert shown("52.0") not in text
    assert "基本合格" not in text
    assert [r.year for r in publication.published_report_for(rep)] == [YEAR]


def test_it_shows_only_the_representative_own_record(client, rep, staff):
    other = make_representative(name="周代表")
    finished_run(YEAR, [(rep, "88.0", "优秀"), (other, "41.0", "不合格")])
    publication.year_publish(year=YEAR, actor=staff)
    text = page_text(client.get(rep.get_absolute_url()))
    assert shown("41.0") not in text
    assert "不合格" not in text


def test_a_rerun_shows_only_once_the_year_is_published_again(client, rep, staff):
    finished_run(YEAR, [(rep, "70.0", "合格")], ago=timedelta(days=3))
    publication.year_publish(year=YEAR, actor=staff)
    newer = finished_run(YEAR, [(rep, "86.0", "优秀")])
    text = page_text(client.get(rep.get_absolute_url()))
    assert shown("70.0") in text and shown("86.0") not in text
    republished = publication.year_publish(year=YEAR, actor=staff)
    assert republished.run == newer
    assert Publication.objects.count() == 1
    text = page_text(client.get(rep.get_absolute_url()))
    assert shown("86.0") in text and shown("70.0") not in text


def test_it_refuses_to_publish_without_a_finished_report(staff):
    ReportRun.objects.create(year=YEAR, status=ReportRun.Status.RUNNING)
    ReportRun.objects.create(year=YEAR - 1, status=ReportRun.Status.DONE)
    with pytest.raises(PointsError):
        publication.year_publish(year=YEAR, actor=staff)
    assert not Publication.objects.exists()


def test_it_publishes_the_latest_finished_run(staff):
    finished_run(YEAR, [], ago=timedelta(days=1))
    latest = finished_run(YEAR, [])
    ReportRun.objects.create(year=YEAR, status=ReportRun.Status.FAILED)
    published = publication.year_publish(year=YEAR, actor=staff)
    assert (published.year, published.run, published.published_by) == (YEAR, latest, staff)


def test_a_withdrawn_publication_takes_the_record_off_the_page(client, rep, staff):
    finished_run(YEAR, [(rep, "88.0", "优秀")])
    publication.year_publish(year=YEAR, actor=staff).delete()
    assert shown("88.0") not in page_text(client.get(rep.get_absolute_url()))


@pytest.mark.parametrize("years", [1, 8])
def test_it_renders_the_public_page_in_constant_queries(
    client, rep, staff, django_assert_num_queries, years
):
    for offset in range(years):
        finished_run(YEAR - offset, [(rep, f"{60 + offset}.0", "合格")])
        publication.year_publish(year=YEAR - offset, actor=staff)
    with django_assert_num_queries(REPRESENTATIVE_PAGE_QUERIES):
        response = client.get(rep.get_absolute_url())
    assert len(response.context["published_reports"]) == years
