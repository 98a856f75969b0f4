"""staff pages (to be written)."""

urlpatterns = []
