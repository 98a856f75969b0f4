"""The staff's view of concerns in the administration.

Staff never edit a petition here: every field is read-only and each step change goes
through ``petitions/workflow.py``. The change page draws one button per action that
``workflow.allowed_actions`` gives this user; each links to the work page, whose POST checks
the same table again. Lists are limited to the petitions ``access.petitions_for_user``
allows, and phones are masked except where ``access.phone_for`` records the view.
"""

import re

from django.contrib import admin
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Right
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.models import HandlingUnit
from liaison.paging import LongListAdminMixin, YearMonthFilter
from liaison.people import display_name, person_column
from liaison.roles import roles_for
from petitions import access, rules, search, workflow
from petitions.models import (
    HANDLING_STEPS,
    CalendarDay,
    Category,
    Notification,
    PersonalDataView,
    Petition,
    PetitionEvent,
    Reception,
    Survey,
)

# What staff type to find a citizen by phone: the masked form shown in the lists
# (138****1234) or just the last four digits. A full number is never typed into a URL,
# so it never reaches a log.
MASKED_PHONE_RE = re.compile(r"^(\d{3})\*+(\d{4})$")
LAST_FOUR_RE = re.compile(r"^\d{4}$")


class NoEditsMixin:
    """Staff look, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoEditsMixin, admin.ModelAdmin):
    """Records the system writes: staff look, never add, change or delete."""


def _in_scope(request, queryset, field="petition"):
    """Rows whose petition the user may see (all of them for county staff): an EXISTS per
    row, which a page of a hundred rows answers through the concerns' primary key, not a
    list of every concern the user may see."""
    roles = roles_for(request.user)
    if roles.county:
        return _not_accusing(roles, queryset, field)
    return queryset.filter(_visible_petition(request, field))


def _not_accusing(roles, queryset, field="petition"):
    """County staff see every concern's records but those of a concern that accuses them
    (a clerk who is also a unit's member or a representative; 信访工作条例 Art. 30)."""
    accusing = rules.accusing(roles)
    if accusing is rules.NOBODY:
        return queryset
    return queryset.exclude(**{f"{field}__in": Petition.objects.filter(accusing).values("pk")})


def _visible_petition(request, field="petition"):
    return Exists(access.petitions_for_user(request.user).filter(pk=OuterRef(field)))


class RecordListMixin(LongListAdminMixin):
    """The records the system writes about concerns grow with them (a view of personal
    data, a notice, a rating): deep pages by deferred join, a year/month filter for the
    date hierarchy's scans, and a concern found by its exact tracking number."""

    search_fields = ["petition__tracking_no"]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        q = Q(petition__tracking_no__in={term, term.upper()})
        for extra in self.search_extra:
            q |= Q(**{f"{extra}__icontains": term})
        return queryset.filter(q), False

    # Short tables only (names, usernames): searched by their words.
    search_extra = ()


# --- reference data -------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_accusation", "is_active"]
    list_filter = ["is_accusation", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"


# --- concerns ---------------------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [
            ("yellow", _("yellow card: deadline near")),
            ("red", _("red card: deadline passed")),
            ("late", _("past the deadline today")),
            ("acceptance", _("card on the 15-day acceptance limit")),
            ("flagged", _("flagged for the standing committee (挂牌督办)")),
            ("extension", _("more time asked, waiting for an answer")),
        ]

    def queryset(self, request, queryset):
        if self.value() in ("yellow", "red"):
            return queryset.filter(warning=self.value())
        if self.value() == "acceptance":
            return queryset.filter(~Q(warning=""), step__in=("received", "collected"))
        if self.value() == "flagged":
            return queryset.filter(is_flagged=True)
        if self.value() == "extension":
            return queryset.filter(extension_status="requested")
        if self.value() == "late":
            # By date, whether or not the overdue job has run yet.
            return queryset.filter(step__in=HANDLING_STEPS, deadline__lt=timezone.localdate())
        return queryset


class ReceivedFilter(YearMonthFilter):
    title = _("date received")
    parameter_name = "received"
    field_name = "created_at"


class RecordedFilter(YearMonthFilter):
    title = _("date")
    parameter_name = "date"
    field_name = "created_at"


class ViewedFilter(RecordedFilter):
    field_name = "viewed_at"


class ReadOnlyInline(NoEditsMixin, admin.TabularInline):
    """Part of the concern's record: shown to whoever may view the concern, never edited."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("petitions.view_petition")


class EventInline(ReadOnlyInline):
    """The petition's history: its audit trail, appended, never changed or deleted."""

    model = PetitionEvent
    fields = [
        "created_at",
        "event_title",
        "from_step",
        "to_step",
        "actor_name",
        "note",
        "is_public",
    ]
    readonly_fields = fields
    verbose_name_plural = _("history")

    @admin.display(description=_("what happened"))
    def event_title(self, obj):
        return obj.title

    @admin.display(description=_("by"))
    def actor_name(self, obj):
        # The citizen or the system when no user acted, as on the work page.
        return display_name(obj.actor) if obj.actor else obj.get_actor_kind_display()

    def get_queryset(self, request):
        # A unit's member is named with their unit, as on the work page.
        units = Prefetch("actor__handling_units", HandlingUnit.objects.filter(is_active=True))
        return (
            super()
            .get_queryset(request)
            .select_related("actor", "actor__representative")
            .prefetch_related(units)
        )


class SurveyInline(ReadOnlyInline):
    model = Survey
    fields = ["round", "rating", "comment", "by_citizen", "recorded_by_name", "created_at"]
    readonly_fields = fields
    verbose_name_plural = _("ratings")
    recorded_by_name = person_column(Survey, "recorded_by")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("recorded_by", "recorded_by__representative")
        )


@admin.register(Petition)
class PetitionAdmin(LongListAdminMixin, admin.ModelAdmin):
    list_display = [
        "tracking_no",
        "step",
        "warning_badge",
        "category",
        "town",
        "level",
        "unit",
        "deadline",
        "channel",
        "created_at",
        "masked_phone_display",
    ]
    # Towns, units and categories are short tables listed whole: "only those that occur"
    # would read every concern the user may see, on every page, to find them.
    list_filter = [
        "step",
        OverdueFilter,
        ReceivedFilter,
        "town",
        "level",
        "unit",
        "channel",
        "category",
        "outcome",
    ]
    # Searched by ``get_search_results`` below (the bigram index, an exact tracking number,
    # the phone's last digits); the admin only needs to know there is a search box.
    search_fields = ["tracking_no"]
    search_help_text = _(
        "Tracking number, words of the concern, or the citizen's mobile as shown "
        "(138****1234) or its last four digits."
    )
    list_select_related = ["category", "town", "unit"]
    list_per_page = 100
    inlines = [EventInline, SurveyInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "tracking_no",
                    "step",
                    "warning",
                    "channel",
                    "created_at",
                    "received_on",
                    "text",
                    "photo_links",
                ]
            },
        ),
        (
            _("Source"),
            {
                "fields": [
                    "representative",
                    "station",
                    "source_activity",
                    "letter_links",
                    "citizen_name",
                    "phone",
                    "consent_at",
                ]
            },
        ),
        (
            _("Classification"),
            {
                "fields": [
                    "category",
                    "town",
                    "village",
                    "level",
                    "accused_unit",
                    "accused_representative",
                    "merged_into",
                    "collect_by",
                    "rejection_reason",
                    "guidance",
                ]
            },
        ),
        (
            _("Handling"),
            {
                "fields": [
                    "unit",
                    "assigned_at",
                    "deadline",
                    "extension_days",
                    "extension_reason",
                    "result_text",
                    "attachment_links",
                    "outcome",
                    "reported_at",
                    "reopen_count",
                    "closed_at",
                ]
            },
        ),
    ]
    # Every field read-only: the workflow is the only way a petition changes.
    readonly_fields = [f for _title, opts in fieldsets for f in opts["fields"]]

    def _scoped_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .select_related("category", "town", "unit", "station", "representative")
        )
        return access.petitions_for_user(request.user, qs)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # The phone field needs to know who is looking (see ``phone``); the object is
            # this request's own, so nothing leaks between requests.
            obj._admin_viewer = request.user
        return obj

    def get_search_results(self, request, queryset, search_term):
        """Every word must match (as Django's admin search): a tracking number exactly, words
        of the concern through the bigram index (``petitions.search``), or the citizen's
        mobile as the lists show it (138****1234) or its last four digits."""
        q = Q()
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1] and len(bit) > 1:
                bit = unescape_string_literal(bit)
            if bit.strip():
                q &= self._term_q(bit.strip())
        return (queryset.filter(q) if q else queryset), False

    @staticmethod
    def _term_q(term: str) -> Q:
        q = Q(tracking_no__in={term, term.upper()}) | search.words_q(term)
        masked = MASKED_PHONE_RE.match(term)
        if masked:
            q |= Q(Q(phone_last4=masked[2]), citizen_phone__startswith=masked[1])
        elif LAST_FOUR_RE.match(term):
            q |= Q(phone_last4=term)
        return q

    def get_queryset(self, request):
        # The expression of the phone_last4 index (petition_phone_last4_idx).
        return self._scoped_queryset(request).alias(phone_last4=Right("citizen_phone", 4))

    # Concerns arrive through the citizens' and representatives' channels; staff change
    # them only through the workflow; nothing is ever deleted.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["workflow_actions"] = workflow.allowed_actions(obj, request.user)
            context["work_url"] = reverse("petitions:work_detail", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("warning"), ordering="warning")
    def warning_badge(self, obj):
        flag = (
            format_html(' <strong class="warning-red">{}</strong>', _("flagged"))
            if obj.is_flagged
            else ""
        )
        if not obj.warning:
            return flag
        # Colours in static/css/admin.css: the Content-Security-Policy refuses style="…".
        colour = "warning-yellow" if obj.warning == Petition.Warning.YELLOW else "warning-red"
        return format_html(
            '<strong class="{}">{}</strong>{}', colour, obj.get_warning_display(), flag
        )

    @admin.display(description=_("citizen's mobile"))
    def masked_phone_display(self, obj):
        return obj.masked_phone or "—"

    @admin.display(description=_("citizen's mobile"))
    def phone(self, obj):
        viewer = getattr(obj, "_admin_viewer", None)
        if viewer is None:
            return obj.masked_phone or "—"
        return access.phone_for(viewer, obj, where="admin") or "—"

    @admin.display(description=_("photos"))
    def photo_links(self, obj):
        photos = list(obj.photos.all())
        if not photos:
            return "—"
        return format_html_join(
            " ",
            '<a href="{}" target="_blank" rel="noopener">{} {}</a>',
            (
                (reverse("petitions:work_photo", args=[obj.pk, p.pk]), _("photo"), n)
                for n, p in enumerate(photos, 1)
            ),
        )

    @admin.display(description=_("scanned letters"))
    def letter_links(self, obj):
        letters = list(obj.letters.all())
        if not letters:
            return "—"
        return format_html_join(
            " · ",
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            ((reverse("petitions:staff_letter", args=[obj.pk, x.pk]), x.name) for x in letters),
        )

    @admin.display(description=_("result attachments"))
    def attachment_links(self, obj):
        attachments = list(obj.attachments.all())
        if not attachments:
            return "—"
        shown = gettext("shown to the citizen")
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>{}',
            (
                (
                    reverse("petitions:work_attachment", args=[obj.pk, a.pk]),
                    a.name,
                    f"（{shown}）" if a.is_public else "",
                )
                for a in attachments
            ),
        )


# --- records the system writes ------------------------------------------------------------


@admin.register(Survey)
class SurveyAdmin(RecordListMixin, ReadOnlyAdmin):
    list_display = ["petition", "round", "rating", "by_citizen", "recorded_by_name", "created_at"]
    list_filter = ["rating", "by_citizen", RecordedFilter]
    # Newest first, off its index (the model's order, by concern, sorts the whole table
    # by each concern's date).
    ordering = ["-created_at", "-pk"]
    list_select_related = ["petition", "recorded_by", "recorded_by__representative"]
    # Pages name people as their lines in the list do (liaison.people).
    exclude = ["recorded_by"]
    readonly_fields = ["recorded_by_name"]
    recorded_by_name = person_column(Survey, "recorded_by")

    def get_queryset(self, request):
        return _in_scope(request, super().get_queryset(request))


@admin.register(Reception)
class ReceptionAdmin(RecordListMixin, ReadOnlyAdmin):
    list_display = ["petition", "matter", "station", "representative", "checklist", "created_at"]
    list_filter = ["station__town", RecordedFilter]
    search_extra = ["station__name", "representative__name", "matter"]
    list_select_related = ["petition", "station", "representative"]

    def get_queryset(self, request):
        roles = roles_for(request.user)
        qs = super().get_queryset(request)
        if roles.county:
            return qs
        # With a concern: seen with it; without one: by its station (rules.reception_scope).
        return qs.filter(
            _visible_petition(request) | (Q(petition__isnull=True) & rules.reception_scope(roles))
        )

    @admin.display(description=_("checklist (六个一)"))
    def checklist(self, obj):
        done = sum(1 for _label, ticked in obj.checklist_state() if ticked)
        return f"{done}/{len(Reception.CHECKLIST)}"


@admin.register(Notification)
class NotificationAdmin(RecordListMixin, ReadOnlyAdmin):
    list_display = [
        "subject",
        "recipient_name",
        "petition",
        "created_at",
        "read_at",
        "email_status",
    ]
    list_filter = ["email_status", RecordedFilter]
    search_extra = ["subject", "recipient__username"]
    list_select_related = ["recipient", "recipient__representative", "petition"]
    exclude = ["recipient"]
    readonly_fields = ["recipient_name"]
    recipient_name = person_column(Notification, "recipient")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        roles = roles_for(request.user)
        if roles.county:
            return _not_accusing(roles, qs)
        return qs.filter(_visible_petition(request) | Q(recipient=request.user))


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(RecordListMixin, ReadOnlyAdmin):
    """Who saw a citizen's full phone number, when, and where (个人信息保护法)."""

    list_display = ["viewed_at", "user_name", "petition", "where"]
    list_filter = ["where", ViewedFilter]
    search_extra = ["user__username"]
    list_select_related = ["user", "user__representative", "petition"]
    exclude = ["user"]
    readonly_fields = ["user_name"]
    user_name = person_column(PersonalDataView, "user")

    def get_queryset(self, request):
        return _in_scope(request, super().get_queryset(request))


# The visits' admin lives in its own module (this one nears the 600-line floor rule);
# imported for its @admin.register.
from petitions import visit_admin  # noqa: E402, F401
