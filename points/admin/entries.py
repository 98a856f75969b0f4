"""Entries, reviewed in bulk, and appeals, answered once.

Both lists, and so the bulk actions that act on them and the pages opened by id, are
limited to the representatives the user's points work covers (``points.access``).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from liaison.paging import LongListAdminMixin
from liaison.people import display_name, person_column
from points import access, representative_forms, services
from points.admin.activities import CoveredChoicesMixin
from points.admin.audit import audit_table
from points.admin.lists import EntryYearListFilter, SubquerySearchMixin, representatives_named
from points.models import Appeal, PointAudit, PointEntry, PointRule


def _not_pending(count: int) -> str:
    """The tail of a review message: rows someone else had already reviewed."""
    if not count:
        return ""
    return " " + ngettext(
        "%(count)d was no longer pending and was left as it was.",
        "%(count)d were no longer pending and were left as they were.",
        count,
    ) % {"count": count}


class StaffEntryForm(forms.ModelForm):
    """Staff add an item to a representative's record (source "staff")."""

    approve_now = forms.BooleanField(
        label=_("approve at once"),
        required=False,
        initial=True,
        help_text=_("Untick to leave it pending for another reviewer."),
    )
    quantity = forms.IntegerField(
        label=_("quantity"),
        initial=1,
        # The service's bound (services.point_entry_create), shown on the form.
        max_value=services.MAX_ITEMS_PER_ENTRY,
        error_messages={"max_value": services.QUANTITY_TOO_LARGE},
        widget=forms.NumberInput(attrs={"min": 1}),
    )

    class Meta:
        model = PointEntry
        fields = ["representative", "rule", "date", "quantity", "description", "evidence"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = PointRule.objects.filter(is_active=True).order_by(
            "order", "code", "-applies_from"
        )
        self.fields["description"].required = True
        self.fields["description"].help_text = _("What the representative did, and where.")

    def clean_date(self):
        on = self.cleaned_data["date"]
        if on > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        try:
            services.check_year_open(on.year)
        except services.PointsError as error:
            raise ValidationError(error.message) from None
        return on

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        try:
            services.check_quantity(quantity, services.MAX_ITEMS_PER_ENTRY)
        except services.PointsError as error:
            raise ValidationError(error.message) from None
        return quantity

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        if upload.size > settings.POINTS_EVIDENCE_MAX_BYTES:
            raise ValidationError(
                _("The evidence may be at most %(mb)d MB.")
                % {"mb": settings.POINTS_EVIDENCE_MAX_BYTES // (1024 * 1024)}
            )
        # Photos lose their metadata (GPS included), as a representative's claims do.
        return representative_forms.clean_evidence(upload.read())


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for rejection"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("The representative sees it and may appeal once."),
    )


@admin.register(PointEntry)
class PointEntryAdmin(
    LongListAdminMixin, SubquerySearchMixin, CoveredChoicesMixin, admin.ModelAdmin
):
    list_display = [
        "representative",
        "rule",
        "date",
        "quantity",
        "points",
        "status",
        "source_display",
    ]
    list_filter = ["status", EntryYearListFilter, "rule__category", "source"]
    search_fields = ["representative__name"]
    search_help_text = _("The representative's name.")
    list_select_related = ["representative", "rule"]
    list_per_page = 100
    autocomplete_fields = ["representative"]
    actions = ["approve_selected", "reject_selected"]
    fieldsets = [
        (None, {"fields": ["representative", "rule", "date", "year", "quantity", "points"]}),
        (_("Claim"), {"fields": ["description", "evidence_link", "source_display"]}),
        (
            _("Review"),
            {
                "fields": [
                    "status",
                    "reviewed_by_name",
                    "reviewed_at",
                    "rejection_reason",
                    "appeal_link",
                    "created_by_name",
                    "created_at",
                ]
            },
        ),
        (_("Audit trail"), {"fields": ["audit_trail"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "representative",
                    "rule",
                    "date",
                    "quantity",
                    "description",
                    "evidence",
                    "approve_now",
                ]
            },
        )
    ]
    readonly_fields = [
        "evidence_link",
        "source_display",
        "appeal_link",
        "audit_trail",
        "reviewed_by_name",
        "created_by_name",
    ]
    reviewed_by_name = person_column(PointEntry, "reviewed_by")
    created_by_name = person_column(PointEntry, "created_by")

    def get_queryset(self, request):
        entries = super().get_queryset(request).select_related("representative", "rule")
        return access.limit_to_representatives(request.user, entries)

    def search_q(self, word):
        return Q(representative__in=representatives_named(word))

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_object(self, request, object_id, from_field=None):
        entry = super().get_object(request, object_id, from_field)
        if entry is not None:
            # Read by audit_trail, which is given the entry alone: the link to the
            # representative's whole trail only for those who may open it.
            entry.may_view_trail = request.user.has_perm("points.view_pointaudit")
        return entry

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = StaffEntryForm
        return super().get_form(request, obj, **kwargs)

    # Review happens through the list's actions, changes through the sources; an entry's
    # own page is a record to read.
    def has_change_permission(self, request, obj=None):
        if obj is not None:
            return False
        return super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Only what staff typed in themselves may be removed; the system's entries follow
        # their sources and a representative's claim is rejected, never erased.
        if obj is not None and obj.source != PointEntry.Source.STAFF:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        try:
            entry = services.point_entry_create(
                representative=data["representative"],
                rule=data["rule"],
                on=data["date"],
                quantity=data["quantity"],
                description=data["description"],
                evidence=data.get("evidence"),
                source=PointEntry.Source.STAFF,
                status=(
                    PointEntry.Status.APPROVED if data["approve_now"] else PointEntry.Status.PENDING
                ),
                actor=request.user,
            )
        except services.PointsError as error:
            # The form checked the same rules; the year was published in between.
            request._points_error = error.message
            return
        obj.pk = entry.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass  # no related rows; the entry is written by the service alone

    def log_addition(self, request, obj, message):
        if getattr(request, "_points_error", None) is None:
            return super().log_addition(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        error = getattr(request, "_points_error", None)
        if error is not None:
            self.message_user(request, error, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_add(request, obj, post_url_continue)

    def delete_model(self, request, obj):
        # The representative's later items of the rule renumber; the audit rows stay.
        services.point_entry_delete(entry=obj, actor=request.user)

    @admin.display(description=_("source"), ordering="source")
    def source_display(self, obj):
        label = obj.get_source_display()
        if obj.source == PointEntry.Source.PETITION:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:petitions_petition_change", args=[obj.source_id]),
                label,
            )
        return label

    @admin.display(description=_("evidence"))
    def evidence_link(self, obj):
        if not obj.evidence:
            return "—"
        try:
            url = reverse("points:evidence", args=[obj.pk])
        except NoReverseMatch:
            return gettext("attached")
        return format_html('<a href="{}">{}</a>', url, gettext("open the evidence"))

    @admin.display(description=_("appeal"))
    def appeal_link(self, obj):
        appeal = Appeal.objects.filter(entry=obj).first()
        if appeal is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:points_appeal_change", args=[appeal.pk]),
            appeal.get_status_display(),
        )

    @admin.display(description=_("changes"))
    def audit_trail(self, obj):
        """The entry's audit rows, oldest first (one query), and the way to the
        representative's whole trail."""
        return audit_table(
            PointAudit.objects.with_rule_names()
            .filter(kind=PointAudit.Kind.ENTRY, object_id=obj.pk)
            .select_related("actor", "actor__representative")
            .order_by("created_at", "pk"),
            representative_id=obj.representative_id
            if getattr(obj, "may_view_trail", False)
            else None,
        )

    @admin.action(description=_("Approve the selected entries"), permissions=["change"])
    def approve_selected(self, request, queryset):
        approved = skipped = 0
        for entry in queryset.select_related("rule").order_by("date", "pk"):
            if services.point_entry_approve(entry=entry, actor=request.user):
                approved += 1
            else:
                skipped += 1
        text = ngettext("Approved %(count)d entry.", "Approved %(count)d entries.", approved) % {
            "count": approved
        }
        self.message_user(
            request,
            text + _not_pending(skipped),
            messages.SUCCESS if approved else messages.WARNING,
        )

    @admin.action(description=_("Reject the selected entries…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        """Asks for the reason on a confirmation page first, like Django's bulk delete."""
        form = RejectForm(request.POST if request.POST.get("post") else None)
        if form.is_bound and form.is_valid():
            rejected = skipped = 0
            reason = form.cleaned_data["reason"]
            for entry in queryset.select_related("rule").order_by("date", "pk"):
                if services.point_entry_reject(entry=entry, actor=request.user, reason=reason):
                    rejected += 1
                else:
                    skipped += 1
            text = ngettext(
                "Rejected %(count)d entry.", "Rejected %(count)d entries.", rejected
            ) % {"count": rejected}
            self.message_user(
                request,
                text + _not_pending(skipped),
                messages.SUCCESS if rejected else messages.WARNING,
            )
            return None
        entries = list(queryset.select_related("representative", "rule").order_by("date", "pk"))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reject entries"),
            "subtitle": None,
            "opts": self.model._meta,
            "entries": entries,
            "pending_count": sum(1 for e in entries if e.status == PointEntry.Status.PENDING),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/points/pointentry/reject_confirmation.html", context
        )


# --- appeals --------------------------------------------------------------------------------------


class AppealStateFilter(admin.SimpleListFilter):
    """Open appeals first: they are the staff's queue."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("answered", _("answered")), ("all", _("all"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("open"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        if self.value() == "answered":
            return queryset.exclude(status=Appeal.Status.OPEN)
        return queryset.filter(status=Appeal.Status.OPEN)


class AppealAnswerForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[
            ("uphold", _("Uphold: the entry is approved")),
            ("dismiss", _("Dismiss: the entry stays rejected")),
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Appeal
        fields = ["answer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "answer" in self.fields:  # not on an answered appeal's read-only page
            self.fields["answer"].required = True
            self.fields["answer"].help_text = _("The representative reads it on their points page.")


@admin.register(Appeal)
class AppealAdmin(LongListAdminMixin, SubquerySearchMixin, admin.ModelAdmin):
    form = AppealAnswerForm
    list_display = [
        "created_at",
        "representative",
        "entry_rule",
        "entry_date",
        "status",
        "answered_by_name",
        "answered_at",
    ]
    list_filter = [AppealStateFilter]
    search_fields = ["entry__representative__name"]
    list_select_related = [
        "entry__representative",
        "entry__rule",
        "answered_by",
        "answered_by__representative",
    ]
    answered_by_name = person_column(Appeal, "answered_by")
    readonly_fields = [
        "representative",
        "entry_link",
        "rejection",
        "text",
        "created_at",
        "status",
        "answer",
        "answered_by_name",
        "answered_at",
    ]

    def get_queryset(self, request):
        # The list's columns too: the changelist applies list_select_related only to a
        # queryset that selects nothing yet, and without them each answered appeal cost
        # two queries (who answered, and their representative).
        appeals = (
            super()
            .get_queryset(request)
            .select_related(
                *self.list_select_related,
                "entry__reviewed_by",
                "entry__reviewed_by__representative",
            )
        )
        return access.limit_to_representatives(request.user, appeals, "entry__representative")

    def search_q(self, word):
        return Q(entry__representative__in=representatives_named(word))

    def get_fieldsets(self, request, obj=None):
        appeal = [(None, {"fields": ["representative", "entry_link", "rejection", "text"]})]
        if obj is not None and self.has_change_permission(request, obj):
            return appeal + [(_("Answer"), {"fields": ["decision", "answer"]})]
        return appeal + [
            (_("Answer"), {"fields": ["status", "answer", "answered_by_name", "answered_at"]})
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and self.has_change_permission(request, obj):
            fields.remove("answer")
        return fields

    def has_add_permission(self, request):
        return False  # representatives appeal from their points page

    def has_delete_permission(self, request, obj=None):
        return False  # the appeal and its answer are kept

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != Appeal.Status.OPEN:
            return False  # answered once, for good
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            services.appeal_answer(
                appeal=obj,
                actor=request.user,
                uphold=form.cleaned_data["decision"] == "uphold",
                answer=form.cleaned_data["answer"],
            )
        except services.PointsError as error:
            request._points_error = error.message

    def save_related(self, request, form, formsets, change):
        pass

    def log_change(self, request, obj, message):
        if getattr(request, "_points_error", None) is None:
            super().log_change(request, obj, message)

    def response_change(self, request, obj):
        error = getattr(request, "_points_error", None)
        if error is not None:
            # Someone answered it first: say so, and show the answer that stands.
            self.message_user(request, error, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.display(description=_("representative"), ordering="entry__representative__name")
    def representative(self, obj):
        return obj.entry.representative

    @admin.display(description=_("rule"))
    def entry_rule(self, obj):
        return obj.entry.rule.name

    @admin.display(description=_("date"), ordering="entry__date")
    def entry_date(self, obj):
        return obj.entry.date

    @admin.display(description=_("entry"))
    def entry_link(self, obj):
        entry = obj.entry
        return format_html(
            '<a href="{}">{} · {} · {}</a>',
            reverse("admin:points_pointentry_change", args=[entry.pk]),
            entry.rule.name,
            entry.date,
            entry.get_status_display(),
        )

    @admin.display(description=_("reason for rejection"))
    def rejection(self, obj):
        entry = obj.entry
        if entry.reviewed_by is None:
            return entry.rejection_reason or "—"
        return f"{entry.rejection_reason} ({display_name(entry.reviewed_by)})"
