"""representative pages (to be written)."""

urlpatterns = []
