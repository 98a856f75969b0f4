"""Grids (网格) and 议政代表 in the administration: county staff keep every town's, town staff
their own town's. Every save goes through ``liaison.grids`` (checked, audited); the audit
rows are read-only."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison import grids
from liaison.models import (
    Deputy,
    Grid,
    GridAudit,
    Representative,
    Station,
    Town,
    Village,
    mainland_mobile_validator,
)
from liaison.people import person_column
from liaison.roles import roles_for


def _town_of(request):
    """None for county staff (every town); the town of town staff; False for anyone else."""
    roles = roles_for(request.user)
    if roles.county:
        return None
    if roles.town_id is not None:
        return roles.town_id
    return False


def _scoped(request, qs, town_field="town_id"):
    town = _town_of(request)
    if town is None:
        return qs
    if town is False:
        return qs.none()
    return qs.filter(**{town_field: town})


class GridAdminForm(forms.ModelForm):
    class Meta:
        model = Grid
        fields = [
            "town",
            "name",
            "station",
            "villages",
            "representatives",
            "deputies",
            "description",
            "contact_phone",
            "is_active",
        ]

    def clean(self):
        data = super().clean()
        if self.errors or data.get("town") is None:
            return data
        draft = Grid(
            pk=self.instance.pk,
            town=data["town"],
            station=data.get("station"),
            contact_phone=data.get("contact_phone", ""),
        )
        grids.grid_check(
            grid=draft,
            villages=data.get("villages", []),
            representatives=data.get("representatives", []),
            deputies=data.get("deputies", []),
        )
        return data


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    form = GridAdminForm
    list_display = ["name", "town", "station", "is_active"]
    list_filter = ["is_active", "town"]
    search_fields = ["name", "town__name", "villages__name"]
    list_select_related = ["town", "station"]
    filter_horizontal = ["villages", "representatives", "deputies"]

    def get_queryset(self, request):
        return _scoped(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "town":
            kwargs["queryset"] = _scoped(request, Town.objects.all(), "pk")
        elif db_field.name == "station":
            kwargs["queryset"] = _scoped(request, Station.objects.active().select_related("town"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "villages":
            kwargs["queryset"] = _scoped(request, Village.objects.select_related("town"))
        elif db_field.name == "deputies":
            kwargs["queryset"] = _scoped(request, Deputy.objects.select_related("town"))
        elif db_field.name == "representatives":
            kwargs["queryset"] = Representative.objects.filter(is_active=True).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        grids.grid_save(
            grid=obj,
            villages=form.cleaned_data["villages"],
            representatives=form.cleaned_data["representatives"],
            deputies=form.cleaned_data["deputies"],
            actor=request.user,
        )

    def save_related(self, request, form, formsets, change):
        # The villages, representatives and deputies were set by grid_save (audited).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None):
        # A grid is made inactive, never deleted: its audit rows and its concerns' history
        # name it.
        return False


class DeputyAdminForm(forms.ModelForm):
    # Nobody is shown a deputy's mobile in full (so no view needs recording): it is typed
    # in here and shown masked.
    new_mobile = forms.CharField(
        label=_("new private mobile phone"),
        max_length=11,
        required=False,
        validators=[mainland_mobile_validator],
        help_text=_("Leave empty to keep the number on file. Never shown on a public page."),
    )

    class Meta:
        model = Deputy
        fields = ["name", "town", "occupation", "is_active"]

    def clean(self):
        data = super().clean()
        town = data.get("town")
        if self.instance.pk and town and self.instance.grids.exclude(town=town).exists():
            self.add_error("town", _("Take the deputy out of the other town's grids first."))
        return data


@admin.register(Deputy)
class DeputyAdmin(admin.ModelAdmin):
    form = DeputyAdminForm
    list_display = ["name", "town", "occupation", "masked_mobile_display", "is_active"]
    list_filter = ["is_active", "town"]
    search_fields = ["name", "occupation"]
    list_select_related = ["town"]
    readonly_fields = ["masked_mobile_display"]

    def get_queryset(self, request):
        return _scoped(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "town":
            kwargs["queryset"] = _scoped(request, Town.objects.all(), "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("mobile"))
    def masked_mobile_display(self, obj):
        return obj.masked_mobile or "—"

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("new_mobile"):
            obj.mobile = form.cleaned_data["new_mobile"]
        grids.deputy_save(deputy=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GridAudit)
class GridAuditAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "grid", "deputy", "actor_name", "note"]
    list_filter = ["action"]
    list_select_related = ["grid__town", "deputy", "actor__representative"]
    actor_name = person_column(GridAudit, "actor")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        town = _town_of(request)
        if town is None:
            return qs
        if town is False:
            return qs.none()
        return qs.filter(Q(grid__town_id=town) | Q(deputy__town_id=town))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
