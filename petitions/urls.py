"""Each views module owns its own routes; this file only gathers them."""

from petitions.views import (
    boards,
    calendar,
    citizen,
    grids,
    intake,
    legal,
    representative,
    staff,
    unit,
    visits,
    work,
)

app_name = "petitions"
urlpatterns = (
    work.urlpatterns
    + citizen.urlpatterns
    + representative.urlpatterns
    + visits.urlpatterns
    + unit.urlpatterns
    + staff.urlpatterns
    + intake.urlpatterns
    + calendar.urlpatterns
    + legal.urlpatterns
    + grids.urlpatterns
    + boards.urlpatterns
)
