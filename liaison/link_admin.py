"""The five links (五联系机制) in the administration: county staff keep the leadership,
the working committees, the professional groups and the links; the contact log and the
audit rows are read-only. Links are made and ended through liaison/links.py."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from liaison import links as rules
from liaison.models import (
    ContactLog,
    Leader,
    Link,
    LinkAudit,
    ProfessionalGroup,
    WorkingCommittee,
)
from liaison.models.links import END_FIELDS
from liaison.people import person_column
from liaison.roles import roles_for


def _county(request) -> bool:
    # A superuser is county staff (roles_for) without the queries: the admin's sidebar
    # asks every model admin on every page.
    return request.user.is_superuser or roles_for(request.user).county


class CountyOnly:
    """County staff only, and then as their Django permissions say."""

    def has_module_permission(self, request):
        # The model's own permissions first (no query beyond the cached permissions), so
        # that the sidebar of every admin page asks who the user is only of those holding one.
        return super().has_module_permission(request) and (
            self.has_view_permission(request) or self.has_change_permission(request)
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and _county(request)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and _county(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _county(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _county(request)


class ReadOnly(CountyOnly):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Leader)
class LeaderAdmin(CountyOnly, admin.ModelAdmin):
    list_display = ["name", "post", "is_chairpersons_meeting", "representative", "is_active"]
    list_filter = ["post", "is_active"]
    search_fields = ["name"]
    list_select_related = ["representative"]
    raw_id_fields = ["representative", "user"]


@admin.register(WorkingCommittee)
class WorkingCommitteeAdmin(CountyOnly, admin.ModelAdmin):
    list_display = ["name", "order"]
    filter_horizontal = ["members"]


@admin.register(ProfessionalGroup)
class ProfessionalGroupAdmin(CountyOnly, admin.ModelAdmin):
    list_display = ["name", "sector"]
    filter_horizontal = ["representatives"]


class LinkForm(forms.ModelForm):
    class Meta:
        model = Link
        fields = ["kind", *END_FIELDS, "started_on"]

    def clean(self):
        data = super().clean()
        if data.get("kind"):
            ends = {name: data.get(name) for name in END_FIELDS}
            try:
                rules.link_check(kind=data["kind"], started_on=data.get("started_on"), ends=ends)
            except rules.LinkError as error:
                raise ValidationError(error.message) from None
        return data


@admin.register(Link)
class LinkAdmin(CountyOnly, admin.ModelAdmin):
    """Links are made here (through ``link_create``) and ended by the action; never
    edited or deleted: a changed pair is an ended link and a new one."""

    form = LinkForm
    list_display = ["__str__", "kind", "started_on", "ended_on"]
    list_filter = ["kind", "ended_on"]
    list_select_related = rules.END_RELATIONS
    raw_id_fields = ["from_representative", "to_representative"]
    actions = ["end_today"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["kind", *END_FIELDS, "started_on", "ended_on", "created_by"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing is editable on a saved link
        data = form.cleaned_data
        link = rules.link_create(
            kind=data["kind"],
            started_on=data["started_on"],
            actor=request.user,
            **{name: data.get(name) for name in END_FIELDS},
        )
        obj.pk = link.pk

    @admin.action(description=_("End the selected links today"))
    def end_today(self, request, queryset):
        ended = 0
        for link in queryset:
            try:
                ended += rules.link_end(
                    link=link, ended_on=timezone.localdate(), actor=request.user
                )
            except rules.LinkError as error:
                messages.error(request, f"{link}: {error.message}")
        messages.success(
            request, ngettext("%(n)d link ended.", "%(n)d links ended.", ended) % {"n": ended}
        )


@admin.register(ContactLog)
class ContactLogAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["date", "way", "link", "logged_by_name"]
    list_filter = ["way", "link__kind"]
    list_select_related = [f"link__{end}" for end in rules.END_RELATIONS] + [
        "logged_by__representative"
    ]
    logged_by_name = person_column(ContactLog, "logged_by")


@admin.register(LinkAudit)
class LinkAuditAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "action", "link", "actor_name"]
    list_filter = ["action"]
    list_select_related = [f"link__{end}" for end in rules.END_RELATIONS] + [
        "actor__representative"
    ]
    actor_name = person_column(LinkAudit, "actor")
