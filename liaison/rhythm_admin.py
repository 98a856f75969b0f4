"""The rhythm's themes in the administration (county staff): saved and deleted through
``liaison.rhythm`` so that each change appends its audit row; the audit rows read only."""

from django.contrib import admin

from liaison import rhythm
from liaison.models import Theme, ThemeChange
from liaison.roles import roles_for


def _county(request) -> bool:
    # Asked after Django's own permission check, so that the admin's every page (its menu
    # asks each model) costs no query for those without the theme's permissions.
    return request.user.is_superuser or roles_for(request.user).county


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["year", "kind", "number", "title", "updated_at"]
    list_filter = ["year", "kind"]
    search_fields = ["title"]
    fields = ["kind", "year", "number", "title", "description"]

    def has_module_permission(self, request):
        # The model's own permissions, not the app's: the town staff's liaison permissions
        # must not cost them a query on every admin page.
        return self.has_view_or_change_permission(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and _county(request)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and _county(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _county(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _county(request)

    def save_model(self, request, obj, form, change):
        rhythm.theme_save(theme=obj, actor=request.user)

    def delete_model(self, request, obj):
        rhythm.theme_delete(theme=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for theme in queryset:
            rhythm.theme_delete(theme=theme, actor=request.user)


@admin.register(ThemeChange)
class ThemeChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "year", "kind", "number", "actor", "before", "after"]
    list_filter = ["year", "kind"]
    list_select_related = ["actor"]

    def has_module_permission(self, request):
        # The model's own permissions, not the app's: the town staff's liaison permissions
        # must not cost them a query on every admin page.
        return self.has_view_or_change_permission(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and _county(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
