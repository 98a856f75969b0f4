"""unit pages (to be written)."""

urlpatterns = []
