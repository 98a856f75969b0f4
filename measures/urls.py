"""Routes of the measured results' pages (they live beside their views)."""

from measures.views import urlpatterns  # noqa: F401

app_name = "measures"
