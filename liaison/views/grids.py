"""A grid's public page (网格): who looks after it, its station and how to reach them. Served
to anonymous visitors from the cache like the station page (liaison/public_cache.py)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from liaison.grids import get_public_grid
from liaison.public_cache import public_page


@require_GET
@public_page
def grid_detail(request, pk, micro_matters=None):
    """``micro_matters(grid)`` counts this year's 微实事 of the grid: the concerns are the
    petitions app's, a floor above, so the site's URLconf passes the count in (as the
    representative page's published records) and the page stays one cached page; the
    petitions service that marks a 微实事 forgets the cached pages."""
    grid = get_public_grid(pk)
    return render(
        request,
        "liaison/grid_detail.html",
        {
            "grid": grid,
            "station": grid.station if grid.station and grid.station.is_active else None,
            "micro_matters": micro_matters(grid) if micro_matters else None,
        },
    )
