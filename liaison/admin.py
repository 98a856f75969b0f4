from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from liaison import privacy, services
from liaison.import_admin import CountyImportExportMixin
from liaison.imports import (
    HandlingUnitResource,
    RepresentativeResource,
    StationResource,
    TownResource,
    VillageResource,
)
from liaison.models import (
    HandlingUnit,
    MobileView,
    RatingCriterion,
    Representative,
    RetiredQrToken,
    StaffScope,
    Station,
    StationMembership,
    StationRating,
    Town,
    Village,
)
from liaison.people import display_name, person_column
from liaison.roles import roles_for
from liaison.tasks import recompute_station_ratings


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0


@admin.register(Town)
class TownAdmin(CountyImportExportMixin, admin.ModelAdmin):
    resource_classes = [TownResource]
    list_display = ["name", "kind", "order", "station_count"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [VillageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_station_count=Count("stations"))

    @admin.display(description=_("stations"), ordering="_station_count")
    def station_count(self, obj):
        return obj._station_count


@admin.register(Village)
class VillageAdmin(CountyImportExportMixin, admin.ModelAdmin):
    resource_classes = [VillageResource]
    list_display = ["name", "town", "kind"]
    list_filter = ["town", "kind"]
    search_fields = ["name", "town__name"]
    list_select_related = ["town"]


class StationRatingInline(admin.TabularInline):
    model = StationRating
    extra = 0
    fields = ["year", "total", "max_total", "stars", "rated_on", "rated_by"]
    readonly_fields = ["year", "total", "max_total", "stars", "rated_on", "rated_by"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class StationMembershipInline(admin.TabularInline):
    model = StationMembership
    extra = 1
    autocomplete_fields = ["representative"]


def _print_cards_redirect(params):
    return redirect(reverse("liaison:qr_cards") + "?" + urlencode(params, doseq=True))


@admin.register(Station)
class StationAdmin(CountyImportExportMixin, admin.ModelAdmin):
    resource_classes = [StationResource]
    list_display = [
        "name",
        "town",
        "kind",
        "sector",
        "has_legal_service_room",
        "is_active",
        "public_page",
    ]
    list_filter = ["kind", "town", "sector", "has_legal_service_room", "is_active"]
    search_fields = ["name", "address", "town__name", "village__name"]
    list_select_related = ["town", "village"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["village"]
    inlines = [StationMembershipInline, StationRatingInline]
    readonly_fields = ["qr_preview"]
    actions = ["print_qr_cards", "rotate_qr_token"]

    @admin.display(description=_("public page"))
    def public_page(self, obj):
        return format_html(
            '<a href="{}" target="_blank">{}</a>', obj.get_absolute_url(), _("open page")
        )

    @admin.display(description=_("QR code"))
    def qr_preview(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<img src="{}" width="160" height="160" alt=""><br><a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("liaison:station_qr", args=[obj.qr_token, "png"]),
            reverse("liaison:station_qr", args=[obj.qr_token, "svg"]),
            "SVG",
            obj.get_qr_path(),
            _("page the code opens"),
        )

    @admin.action(description=_("Print QR cards (the station and its representatives)"))
    def print_qr_cards(self, request, queryset):
        station = queryset.order_by("pk").first()
        if queryset.count() > 1:
            self.message_user(
                request, _("QR cards are printed one station at a time."), messages.WARNING
            )
            return None
        return _print_cards_redirect({"station": station.pk})

    @admin.action(description=_("Replace the QR code (the old code stops working)"))
    def rotate_qr_token(self, request, queryset):
        count = 0
        for station in queryset:
            services.station_rotate_qr_token(station=station)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Replaced the QR code of %(count)d station. Print and post the new code.",
                "Replaced the QR codes of %(count)d stations. Print and post the new codes.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Representative)
class RepresentativeAdmin(CountyImportExportMixin, admin.ModelAdmin):
    resource_classes = [RepresentativeResource]
    list_display = [
        "name",
        "gender",
        "level",
        "term",
        "occupation",
        "masked_mobile_display",
        "is_active",
    ]
    list_filter = ["level", "gender", "is_active", "memberships__station__town"]
    search_fields = ["name", "occupation", "memberships__station__name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    inlines = [StationMembershipInline]
    readonly_fields = ["qr_preview"]
    actions = ["print_qr_cards", "rotate_qr_token"]

    # The private mobile (``liaison.privacy``): county staff edit it, and each change page
    # that shows it to them is recorded; everyone else sees it masked, read-only, where the
    # field would be. The list masks it for everyone: a page of it would be a hundred views.
    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "masked_mobile_field"]
        if privacy.may_see_full_phone(roles_for(request.user)):
            return fields
        return ["masked_mobile_field" if f == "mobile" else f for f in fields]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not privacy.may_see_full_phone(roles_for(request.user)):
            fields.append("masked_mobile_field")
        return fields

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.mobile and privacy.may_see_full_phone(roles_for(request.user)):
            # The form shows county staff the full number (and a form sent back with errors
            # shows it again): each rendering is a view.
            services.mobile_view_record(
                user=request.user, representative=obj, where="admin change page"
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("mobile"))
    def masked_mobile_display(self, obj):
        return obj.masked_mobile or "—"

    @admin.display(description=_("private mobile phone"))
    def masked_mobile_field(self, obj):
        return obj.masked_mobile or "—"

    @admin.display(description=_("QR code"))
    def qr_preview(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<img src="{}" width="160" height="160" alt=""><br><a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("liaison:representative_qr", args=[obj.qr_token, "png"]),
            reverse("liaison:representative_qr", args=[obj.qr_token, "svg"]),
            "SVG",
            obj.get_absolute_url(),
            _("page the code opens"),
        )

    @admin.action(description=_("Print QR cards"))
    def print_qr_cards(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True)[:500])
        return _print_cards_redirect({"representative": ids})

    @admin.action(description=_("Replace the QR code (the old code stops working)"))
    def rotate_qr_token(self, request, queryset):
        count = 0
        for rep in queryset:
            services.representative_rotate_qr_token(representative=rep)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Replaced the QR code of %(count)d representative. Print the new card.",
                "Replaced the QR codes of %(count)d representatives. Print the new cards.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(RatingCriterion)
class RatingCriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "max_score", "order", "is_measured", "is_active"]
    list_filter = ["group", "is_active", "is_measured"]
    search_fields = ["name", "code", "description"]
    list_editable = ["max_score", "order", "is_active"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if {"max_score", "is_active"} & set(form.changed_data):
            # Stars are shares of the maximum: this year's and last year's ratings follow.
            year = timezone.localdate().year
            for y in (year - 1, year):
                transaction.on_commit(lambda y=y: recompute_station_ratings.delay(y))


@admin.register(RetiredQrToken)
class RetiredQrTokenAdmin(admin.ModelAdmin):
    list_display = ["kind", "retired_at"]
    list_filter = ["kind"]
    date_hierarchy = "retired_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- who a user is ----------------------------------------------------------------------------


@admin.register(HandlingUnit)
class HandlingUnitAdmin(CountyImportExportMixin, admin.ModelAdmin):
    resource_classes = [HandlingUnitResource]
    list_display = ["name", "kind", "town", "email", "member_count", "is_active"]
    list_filter = ["kind", "town", "is_active"]
    search_fields = ["name", "email"]
    list_select_related = ["town"]
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("members"))

    @admin.display(description=_("members"), ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "members" and field is not None:
            # People by name in the picker, as everywhere outside the user pages.
            field.queryset = field.queryset.select_related("representative")
            field.label_from_instance = display_name
        return field


class StaffScopeForm(forms.ModelForm):
    """Says in words what the scope's database constraint refuses (a legal worker's post)."""

    class Meta:
        model = StaffScope
        fields = ["user", "level", "town", "station"]

    def clean(self):
        data = super().clean()
        if data.get("level") == StaffScope.Level.LEGAL and data.get("town"):
            self.add_error(
                "town",
                _(
                    "A legal worker serves at a station's legal-service room, or at the county "
                    "petition hall with no station: leave the town empty."
                ),
            )
        return data


@admin.register(StaffScope)
class StaffScopeAdmin(admin.ModelAdmin):
    """Who a staff member is, and a legal worker's post (issue #11): county staff create a
    legal worker as a user with a scope of level "legal worker" here."""

    form = StaffScopeForm
    list_display = ["user", "level", "town", "station"]
    list_filter = ["level", "town"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "town", "station"]
    autocomplete_fields = ["user", "station"]


@admin.register(MobileView)
class MobileViewAdmin(admin.ModelAdmin):
    """Who was shown a representative's full mobile number, when, and where (个人信息保护法).
    Appended by the system; nobody adds, changes or deletes a row."""

    list_display = ["viewed_at", "user_name", "representative", "where"]
    list_filter = ["where"]
    search_fields = ["user__username", "representative__name"]
    list_select_related = ["user", "user__representative", "representative"]
    date_hierarchy = "viewed_at"
    fields = readonly_fields = ["viewed_at", "user_name", "representative", "where"]
    user_name = person_column(MobileView, "user")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        # Only county staff see full numbers, so only they have views to account for.
        return qs if roles_for(request.user).county else qs.none()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Grids, the rhythm's themes and the five links (issue #11) have their own modules.
from liaison import grid_admin, link_admin, rhythm_admin  # noqa: E402, F401
