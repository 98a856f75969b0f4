"""The county dashboard (/staff/dashboard/): congress staff only, inside the admin's frame.

Thin: check who asks, read the figures (``measures.dashboard``), turn each into a chart
(``measures.charts``) and a table whose every number links to the list behind it.
"""

from datetime import date
from functools import wraps

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from liaison.models import Activity, Representative
from liaison.roles import roles_for
from measures import charts
from measures.activities import FIGURE_LABELS
from measures.dashboard import Figures, Quarter, dashboard_cached, local_midnight
from petitions.models import Rating, Step
from petitions.statistics import SATISFIED_RATINGS, may_see_statistics

STEP_FILLS = dict(zip(Step.values, charts.PALETTE, strict=True))
STAR_FILL = "#e0a21e"
SHARE_FILL = "#3a9a5b"
OVERDUE_FILL = "#c0392b"
BAND_FILLS = ("#3a9a5b", "#1f5fa8", "#e08a1e", "#c0392b", "#7f8c8d", "#7d5ba6")


def staff_only(view):
    """Signed-in congress staff only: others are sent to sign in, or get 404 (as the
    statistics)."""

    @login_required
    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_see_statistics(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _link(name: str, **params) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def concerns_link(**params) -> str:
    return _link("admin:petitions_petition_changelist", **params)


def _month_param(day: date) -> str:
    return f"{day:%Y-%m}"


def _quarter_label(q: Quarter) -> str:
    return _("%(year)d Q%(quarter)d") % {"year": q.year, "quarter": q.number}


def _quarter_link(q: Quarter, ratings) -> str:
    return concerns_link(
        created_at__gte=local_midnight(q.first_day).isoformat(),
        created_at__lt=local_midnight(q.end).isoformat(),
        rating__in=",".join(ratings),
    )


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{round(100 * share)}%"


# --- the charts -------------------------------------------------------------------------------


def months_chart(figures: Figures) -> dict:
    steps = [(value, str(label)) for value, label in Step.choices]
    bars, rows = [], []
    for i, month in enumerate(figures.months):
        day = month.first_day
        title_month = date_format(day, "YEAR_MONTH_FORMAT")
        segments = tuple(
            charts.Segment(
                month.by_step[value],
                STEP_FILLS[value],
                concerns_link(received=_month_param(day), step__exact=value),
                f"{title_month} · {label}: {month.by_step[value]}",
            )
            for value, label in steps
        )
        sublabel = str(day.year) if i == 0 or day.month == 1 else ""
        bars.append(charts.Bar(f"{day.month}", segments, sublabel=sublabel))
        rows.append(
            {
                "label": title_month,
                "href": concerns_link(received=_month_param(day)),
                "total": month.total,
                "cells": [
                    (
                        month.by_step[value],
                        concerns_link(received=_month_param(day), step__exact=value),
                    )
                    for value, _label in steps
                ],
            }
        )
    return {
        "svg": charts.column_chart(bars, label=_("Concerns by month received and step")),
        "legend": [(label, STEP_FILLS[value]) for value, label in steps],
        "steps": [label for _value, label in steps],
        "rows": rows,
    }


def quarters_chart(figures: Figures) -> dict:
    satisfied = list(SATISFIED_RATINGS)
    surveyed = [*satisfied, Rating.UNSATISFIED]
    bars, rows = [], []
    for q in figures.quarters:
        label = _quarter_label(q)
        share = q.share
        href = _quarter_link(q, satisfied)
        title = _("%(quarter)s: %(satisfied)d of %(surveyed)d satisfied or basically satisfied") % {
            "quarter": label,
            "satisfied": q.satisfied,
            "surveyed": q.surveyed,
        }
        value = 100 * share if share is not None else 0
        bars.append(
            charts.Bar(
                label, (charts.Segment(value, SHARE_FILL, href, title),), note=_percent(share)
            )
        )
        rows.append(
            {
                "label": label,
                "share": _percent(share),
                "satisfied": q.satisfied,
                "satisfied_href": href,
                "surveyed": q.surveyed,
                "surveyed_href": _quarter_link(q, surveyed),
            }
        )
    return {
        "svg": charts.column_chart(bars, label=_("Satisfaction by quarter received"), maximum=100),
        "rows": rows,
    }


def overdue_chart(figures: Figures) -> dict:
    bars, rows = [], []
    for unit in figures.overdue:
        name = unit.name or _("not assigned")
        if unit.unit_id is None:
            href = concerns_link(overdue="late", unit__isnull="True")
        else:
            href = concerns_link(overdue="late", unit__id__exact=unit.unit_id)
        title = _("%(unit)s: %(count)d overdue") % {"unit": name, "count": unit.count}
        bars.append(charts.Bar(name, (charts.Segment(unit.count, OVERDUE_FILL, href, title),)))
        rows.append({"label": name, "count": unit.count, "href": href})
    return {
        "svg": charts.row_chart(bars, label=_("Overdue concerns by handling unit")) if bars else "",
        "rows": rows,
        "total": figures.overdue_total,
        "href": concerns_link(overdue="late"),
    }


def stars_chart(figures: Figures, user) -> dict:
    roles = roles_for(user)
    scope = {}
    if not roles.county and roles.town_id is not None:
        scope = {"station__town__id__exact": roles.town_id}
    elif not roles.county and roles.station_id is not None:
        scope = {"station__id__exact": roles.station_id}
    bars, rows = [], []
    for stars in (1, 2, 3, 4, 5):
        count = figures.stars.get(stars, 0)
        href = _link("admin:liaison_stationrating_changelist", stars__exact=stars, **scope)
        label = "★" * stars
        title = _("%(stars)d stars: %(count)d stations") % {"stars": stars, "count": count}
        bars.append(charts.Bar(f"{stars}★", (charts.Segment(count, STAR_FILL, href, title),)))
        rows.append({"label": label, "count": count, "href": href})
    unrated = figures.stars.get(None, 0)
    return {
        "svg": charts.column_chart(bars, label=_("Stations by the stars of their latest rating")),
        "rows": rows,
        "unrated": unrated,
        "unrated_href": _link("admin:liaison_station_changelist", is_active__exact=1),
    }


def points_chart(figures: Figures) -> dict:
    bands = list(figures.bands)
    fills = {band: BAND_FILLS[i % len(BAND_FILLS)] for i, band in enumerate(bands)}
    names = {band: band or _("below every band") for band in bands}
    entries = _link(
        "admin:points_pointentry_changelist", status__exact="approved", year=figures.points_year
    )
    bars, rows = [], []
    for level, level_label in Representative.Level.choices:
        counts = figures.points.get(level, {})
        href = _link(
            "admin:liaison_representative_changelist", level__exact=level, is_active__exact=1
        )
        segments = tuple(
            charts.Segment(
                counts.get(band, 0),
                fills[band],
                href,
                f"{level_label} · {names[band]}: {counts.get(band, 0)}",
            )
            for band in bands
        )
        bars.append(charts.Bar(str(level_label), segments))
        rows.append(
            {
                "label": level_label,
                "href": href,
                "cells": [counts.get(band, 0) for band in bands],
                "total": sum(counts.values()),
            }
        )
    return {
        "svg": charts.row_chart(
            bars, label=_("Representatives by level and grade band of this year's points")
        ),
        "legend": [(names[band], fills[band]) for band in bands],
        "bands": [names[band] for band in bands],
        "rows": rows,
        "year": figures.points_year,
        "entries_href": entries,
    }


ATTENDANCE_FILL = "#7d5ba6"
ACTIVITY_FILLS = {"town_level": "#3a9a5b", "county_level": "#1f5fa8", "other": "#7f8c8d"}


def activities_chart(figures: Figures) -> dict | None:
    """This year's activities by kind: the concerns raised at them (solved at town level,
    sent to the county, the rest), and every figure of part B's table, each linking to the
    activities' results page of that kind and period."""
    if figures.activities is None:
        return None
    start = date(figures.today.year, 1, 1)
    names = list(FIGURE_LABELS)
    parts = (
        ("town_level", FIGURE_LABELS["town_level"]),
        ("county_level", FIGURE_LABELS["county_level"]),
        ("other", _("not classified yet")),
    )
    bars, present, rows = [], [], []
    for kind, label in Activity.Kind.choices:
        results = figures.activities.get(kind)
        if results is None or not results.activities:
            continue
        href = _link(
            "measures:activity_results_period",
            kind=kind,
            start=start.isoformat(),
            end=figures.today.isoformat(),
        )
        values = {
            "town_level": results.town_level,
            "county_level": results.county_level,
            "other": results.concerns - results.town_level - results.county_level,
        }
        segments = tuple(
            charts.Segment(
                values[key], ACTIVITY_FILLS[key], href, f"{label} · {name}: {values[key]}"
            )
            for key, name in parts
        )
        if results.concerns:
            bars.append(charts.Bar(str(label), segments))
        title = f"{label} · {FIGURE_LABELS['attendances']}: {results.attendances}"
        present.append(
            charts.Bar(
                str(label), (charts.Segment(results.attendances, ATTENDANCE_FILL, href, title),)
            )
        )
        rows.append({"label": label, "href": href, "cells": [getattr(results, n) for n in names]})
    return {
        "svg": charts.row_chart(bars, label=_("Concerns raised at this year's activities, by kind"))
        if bars
        else "",
        "present_svg": charts.row_chart(present, label=FIGURE_LABELS["attendances"])
        if present
        else "",
        "present_title": FIGURE_LABELS["attendances"],
        "legend": [(name, ACTIVITY_FILLS[key]) for key, name in parts],
        "figures": [FIGURE_LABELS[n] for n in names],
        "rows": rows,
        "href": _link(
            "measures:activity_results_period",
            start=start.isoformat(),
            end=figures.today.isoformat(),
        ),
    }


@staff_only
def dashboard_page(request):
    user = request.user

    def build(figures):
        return {
            "figures": figures,
            "months": months_chart(figures),
            "quarters": quarters_chart(figures),
            "overdue": overdue_chart(figures),
            "stars": stars_chart(figures, user),
            "points": points_chart(figures),
            "activities": activities_chart(figures),
        }

    # The charts are drawn once per scope, day and language, then read from the cache.
    charts_drawn = dashboard_cached(user=user, build=build, variant=f"page:{get_language()}")
    context = {
        **admin.site.each_context(request),
        "title": _("County dashboard"),
        **charts_drawn,
        "statistics_href": reverse("petitions:staff_statistics"),
    }
    return render(request, "measures/dashboard.html", context)


urlpatterns = [
    path("staff/dashboard/", dashboard_page, name="dashboard"),
]
