"""The measured results' pages: each part's routes are listed here."""

from measures.views import ratings

urlpatterns = [
    *ratings.urlpatterns,
]
