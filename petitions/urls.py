"""Each views module owns its own routes; this file only gathers them."""

from petitions.views import calendar, citizen, representative, staff, unit, work

app_name = "petitions"
urlpatterns = (
    work.urlpatterns
    + citizen.urlpatterns
    + representative.urlpatterns
    + unit.urlpatterns
    + staff.urlpatterns
    + calendar.urlpatterns
)
