"""The measured results' pages: each part's routes are listed here."""

urlpatterns = []
