"""The study models in the administration: read-only lists scoped like the staff pages;
changes go through the staff pages and the actions here, which call study.services (so each
one leaves its event)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from study import services
from study.models import Material, MaterialEvent, MaterialRead


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Material)
class MaterialAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "audience", "level", "station", "published_at")
    list_filter = ("kind", "audience")
    search_fields = ("title",)
    list_select_related = ("station",)
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(services.staff_scope_q(request.user))

    def get_actions(self, request):
        # Read-only lists drop actions without the change permission; these are audited
        # services, open to whoever manages the materials.
        actions = super().get_actions(request)
        if services.may_manage_study(request.user):
            for name in ("publish", "unpublish"):
                actions.setdefault(name, self.get_action(name))
        return actions

    def _each(self, request, queryset, change):
        done = 0
        for material in queryset:
            try:
                change(material=material, actor=request.user)
            except services.StudyError:
                continue
            done += 1
        self.message_user(request, _("%(n)d materials changed.") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Publish the selected materials"))
    def publish(self, request, queryset):
        self._each(request, queryset, services.material_publish)

    @admin.action(description=_("Take the selected materials back to draft"))
    def unpublish(self, request, queryset):
        self._each(request, queryset, services.material_unpublish)


@admin.register(MaterialRead)
class MaterialReadAdmin(ReadOnlyAdmin):
    list_display = ("material", "representative", "read_at")
    list_select_related = ("material", "representative")
    search_fields = ("representative__name", "material__title")

    def get_queryset(self, request):
        scope = services.staff_scope_q(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(material__in=Material.objects.filter(scope).values("pk"))
        )


@admin.register(MaterialEvent)
class MaterialEventAdmin(ReadOnlyAdmin):
    list_display = ("material", "kind", "actor", "created_at")
    list_select_related = ("material", "actor")

    def get_queryset(self, request):
        scope = services.staff_scope_q(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(material__in=Material.objects.filter(scope).values("pk"))
        )
