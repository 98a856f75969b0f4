"""Routes of the study pages."""

app_name = "study"
urlpatterns = []
