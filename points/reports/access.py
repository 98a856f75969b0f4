"""Who may see the year-end reports: county congress staff, in the administration. The
reports rank every representative of the county, so no narrower scope sees a part."""

from django.http import Http404

from liaison.roles import roles_for
from points.models import ReportRun


def may_see_reports(user) -> bool:
    """County congress staff who sign in to the administration (the reports rank everyone)."""
    return bool(
        user is not None and user.is_authenticated and user.is_staff and roles_for(user).county
    )


def get_run_for_user(user, run_id) -> ReportRun:
    """The run ``run_id`` if ``user`` may see the year-end reports; 404 otherwise."""
    try:
        run_id = int(run_id)
    except (TypeError, ValueError):
        raise Http404 from None
    run = (
        ReportRun.objects.select_related("started_by", "started_by__representative")
        .filter(pk=run_id)
        .first()
        if may_see_reports(user)
        else None
    )
    if run is None:
        raise Http404
    return run
