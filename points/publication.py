"""Publishing a year's totals and grades (代表法 Art. 58: the congress records and publishes
each representative's duties).

Nothing of a year reaches a public page until staff publish it. A publication pins one
finished report run, so the public figures are the ones staff checked, whatever reruns
come later; publishing the year again moves it to the latest finished run.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from points.models import AnnualReport, Publication, ReportRun
from points.services import PointsError


def latest_done_run(year: int) -> ReportRun | None:
    """The year's latest finished report run, or None."""
    return (
        ReportRun.objects.filter(year=year, status=ReportRun.Status.DONE)
        .order_by("-finished_at", "-created_at", "-pk")
        .first()
    )


@transaction.atomic
def year_publish(*, year: int, actor) -> Publication:
    """Publish ``year``: its latest finished run's totals and grades go on the public pages."""
    run = latest_done_run(year)
    if run is None:
        raise PointsError(
            _("There is no finished report for %(year)s: build the year's reports first.")
            % {"year": year}
        )
    publication, _created = Publication.objects.select_for_update().update_or_create(
        year=year,
        defaults={"run": run, "published_by": actor, "published_at": timezone.now()},
    )
    return publication


def published_report_for(representative) -> list[AnnualReport]:
    """The representative's reports of the published years, newest first. One query.

    Only the run a publication pins counts: an unpublished year, or a newer run of a
    published year that staff have not published again, never shows.
    """
    return list(
        AnnualReport.objects.filter(representative=representative, run__publication__year=F("year"))
        .only("year", "total", "grade", "representative_id", "run_id")
        .order_by("-year")
    )
