"""Routes of the mediation pages."""

app_name = "mediation"
urlpatterns = []
