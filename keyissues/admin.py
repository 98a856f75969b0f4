"""Key issues in the administration: read only, scoped like the pages (``keyissues.access``);
they are created and changed on their own pages, through ``keyissues.services``, so that
every change appends its event."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from keyissues import access
from keyissues.models import KeyIssue, KeyIssueEvent, KeyIssueNote


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NoteInline(_ReadOnly, admin.TabularInline):
    model = KeyIssueNote
    extra = 0
    fields = ["date", "text", "by"]
    readonly_fields = fields


class EventInline(_ReadOnly, admin.TabularInline):
    model = KeyIssueEvent
    extra = 0
    fields = ["at", "kind", "actor", "before", "after"]
    readonly_fields = fields


@admin.register(KeyIssue)
class KeyIssueAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["title", "station", "year", "quarter", "state", "result_date", "page"]
    list_filter = ["year", "quarter", "state", "station__town"]
    search_fields = ["title", "station__name"]
    list_select_related = ["station"]
    readonly_fields = ["page"]
    exclude = ["petitions", "representatives"]
    inlines = [NoteInline, EventInline]

    def get_queryset(self, request):
        return access.key_issues_for_user(request.user, super().get_queryset(request))

    @admin.display(description=_("page"))
    def page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Open"))
