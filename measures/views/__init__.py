"""The measured results' pages: each part's routes are listed here."""

from measures.views import dashboard

urlpatterns = [
    *dashboard.urlpatterns,
]
