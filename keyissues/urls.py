"""Routes of the key issues' pages (they live beside their views)."""

from keyissues.views import urlpatterns  # noqa: F401

app_name = "keyissues"
