"""Each views module owns its own routes; this file only gathers them."""

from points.views import representative, staff

app_name = "points"
urlpatterns = representative.urlpatterns + staff.urlpatterns
