"""The public accountability boards (五公开, 办理结果公开; issue #14): no sign-in, phone first.

Thin: read the year, count with ``petitions.boards``, draw. Served to anonymous visitors from
the public page cache (liaison/public_cache.py), one copy per page and year: the figures are
at most ``PUBLIC_PAGE_CACHE_SECONDS`` old, and the page says when they were counted.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from liaison.models import Town
from liaison.public_cache import public_page
from petitions import boards


def _year_of(request) -> str:
    """What a board's page depends on beyond its path: the year, checked (few values)."""
    return str(boards.board_year(request.GET.get("year")))


def _context(request, **extra) -> dict:
    year = boards.board_year(request.GET.get("year"))
    return {
        "year": year,
        # Links keep a past year; this year's are the bare URLs (one cached copy).
        "year_query": "" if year == timezone.localdate().year else f"?year={year}",
        "years": boards.board_years(),
        "minimum": boards.minimum_sample(),
        "counted_at": timezone.localtime(),
        "max_age_minutes": max(1, settings.PUBLIC_PAGE_CACHE_SECONDS // 60),
        **extra,
    }


@require_GET
@public_page(vary_on=_year_of)
def board_county(request):
    """The county: its own row and its towns'."""
    context = _context(request)
    year = context["year"]
    context["county"] = boards.county_figures(year=year)
    context["rows"] = boards.board_figures(year=year, by="town")
    return render(request, "petitions/boards_county.html", context)


@require_GET
@public_page(vary_on=_year_of)
def board_stations(request):
    context = _context(request, board="stations")
    context["rows"] = boards.board_figures(year=context["year"], by="station")
    return render(request, "petitions/boards_list.html", context)


@require_GET
@public_page(vary_on=_year_of)
def board_units(request):
    context = _context(request, board="units")
    context["rows"] = boards.board_figures(year=context["year"], by="unit")
    return render(request, "petitions/boards_list.html", context)


@require_GET
@public_page(vary_on=_year_of)
def board_town(request, pk):
    """A town: its own row and its stations'."""
    town = get_object_or_404(Town, pk=pk)
    context = _context(request, board="town", town=town)
    year = context["year"]
    own = boards.board_figures(year=year, by="town", town_id=town.pk)
    context["town_row"] = own[0] if own else None
    context["rows"] = boards.board_figures(year=year, by="station", town_id=town.pk)
    return render(request, "petitions/boards_list.html", context)


urlpatterns = [
    path("boards/", board_county, name="boards"),
    path("boards/stations/", board_stations, name="boards_stations"),
    path("boards/units/", board_units, name="boards_units"),
    path("boards/towns/<int:pk>/", board_town, name="boards_town"),
]
