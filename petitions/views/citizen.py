"""citizen pages (to be written)."""

urlpatterns = []
