"""Routes of the keyissues pages."""

app_name = "keyissues"
urlpatterns = []
