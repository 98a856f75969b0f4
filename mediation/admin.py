"""Staff see the mediations in the administration, read-only and scoped like the pages
(``access.scope``): every change goes through the services on the mediation's own page,
which appends its event. Parties' names are masked there for all but county and town staff;
the admin shows no party at all."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from liaison.paging import LongListAdminMixin
from mediation import access
from mediation.models import Mediation, MediationEvent


class MediationEventInline(admin.TabularInline):
    model = MediationEvent
    fields = ["created_at", "kind", "note", "actor"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Mediation)
class MediationAdmin(LongListAdminMixin, admin.ModelAdmin):
    list_display = ["petition", "town", "station", "status", "outcome", "opened_at", "closed_at"]
    list_filter = ["status", "outcome", "town"]
    list_select_related = ["petition", "town", "station"]
    search_fields = ["petition__tracking_no"]
    ordering = ["-opened_at", "-pk"]
    fields = [
        "petition",
        "town",
        "station",
        "status",
        "outcome",
        "agreement",
        "opened_at",
        "closed_at",
        "page_link",
    ]
    readonly_fields = fields
    inlines = [MediationEventInline]

    @admin.display(description=_("Mediation's page"))
    def page_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Open"))

    def get_queryset(self, request):
        return access.mediations_for_user(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
