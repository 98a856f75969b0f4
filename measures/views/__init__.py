"""The measured results' pages: each part's routes are listed here."""

from measures.views import activities, dashboard, ratings

urlpatterns = [
    *ratings.urlpatterns,
    *activities.urlpatterns,
    *dashboard.urlpatterns,
]
