"""Routes of the mediation pages."""

from mediation.views import urlpatterns  # noqa: F401

app_name = "mediation"
