"""Activities with their attendance, duty days with their roster: saving one keeps its
automatic entries in step (services.activity_sync / duty_day_sync); cancelling and excuse
approval are services too (activity_cancel, duty_day_cancel, excuse_approve), each with
its audit row.

Duty days, their rosters and the attendance lists are limited to the stations and
representatives the user's points work covers (``points.access``); activities are
county-wide events, shown to everyone who may view them, but an activity's page lists (and
lets staff edit) only the attendance of the representatives they cover: excuses tell of
illness and family matters.

Nobody has been present at or absent from an activity still to come (an excuse may be
recorded in advance), as nobody has served a duty day still to come.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from liaison.models import Activity, ActivityGuest, DutyDay, DutyShift, Representative, Station
from liaison.paging import LongListAdminMixin
from liaison.people import person_column
from points import access, services
from points.admin.lists import DateYearListFilter, SubquerySearchMixin, representatives_named
from points.models import Attendance


class CoveredChoicesMixin:
    """Representative and station choices limited to those the user's points work covers.

    Staff who cover less than the county choose from a plain list of them: the autocomplete
    is answered by the liaison admin, which lists the whole county (and an out-of-scope
    choice would only be refused on saving)."""

    covered_choices = {
        Representative: access.representatives_for,
        Station: access.stations_for,
    }

    def _limited_fields(self, request) -> set[str]:
        if access.coverage_for(request.user).everyone:
            return set()
        return {
            f.name
            for f in self.model._meta.fields
            if f.is_relation and f.related_model in self.covered_choices
        }

    def get_autocomplete_fields(self, request):
        limited = self._limited_fields(request)
        return [f for f in super().get_autocomplete_fields(request) if f not in limited]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self._limited_fields(request):
            kwargs["queryset"] = self.covered_choices[db_field.related_model](request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RosterFormSet(BaseInlineFormSet):
    """An inline list of representatives, each listed once. Django names the field of a
    duplicate by its attribute name, in English in the middle of the translated sentence;
    this says what is wrong in words."""

    duplicate_message = None

    def get_unique_error_message(self, unique_check):
        fields = [name for name in unique_check if name != self.fk.name]
        if fields == ["representative"] and self.duplicate_message is not None:
            return str(self.duplicate_message)
        labels = [str(self.model._meta.get_field(name).verbose_name) for name in fields]
        return super(BaseInlineFormSet, self).get_unique_error_message(labels)


# Statuses that say what happened at the activity, and so count points.
HAPPENED = {Attendance.Status.PRESENT, Attendance.Status.ABSENT}
STILL_TO_COME = _(
    "An activity still to come has nobody present or absent yet: record that on the day or "
    "after. Only an excuse can be recorded in advance."
)
MOVED_TO_COME = _(
    "Attendance of this activity is marked present or absent, so it cannot be moved to a "
    "date still to come."
)


def is_still_to_come(on) -> bool:
    return on is not None and on > timezone.localdate()


class AttendanceForm(forms.ModelForm):
    # The activity as the page being saved has it (its date maybe just changed); set by
    # the activity page's list, otherwise the row's own.
    activity = None

    class Meta:
        model = Attendance
        fields = ["representative", "status", "excuse", "excuse_approved"]

    def _activity(self):
        if self.activity is not None:
            return self.activity
        return self.instance.activity if self.instance.activity_id else None

    def clean(self):
        data = super().clean()
        activity = self._activity()
        if data.get("status") in HAPPENED and activity and is_still_to_come(activity.date):
            self.add_error("status", STILL_TO_COME)
        if data.get("excuse_approved"):
            if data.get("status") != Attendance.Status.EXCUSED:
                self.add_error(
                    "excuse_approved", _("Only an excused absence has an excuse to approve.")
                )
            elif not (data.get("excuse") or "").strip():
                self.add_error("excuse", _("Write down the excuse before approving it."))
        return data


class AttendanceFormSet(RosterFormSet):
    duplicate_message = _("A representative can be listed only once per activity.")
    # Whether the user edits the rows shown (set by AttendanceInline.get_formset); rows
    # only shown, and rows not shown at all, are judged as the database has them.
    rows_editable = False

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.activity = self.instance
        return form

    def clean(self):
        super().clean()
        activity = self.instance
        if activity.pk is None or not is_still_to_come(activity.date):
            return
        stored = Activity.objects.filter(pk=activity.pk).values_list("date", flat=True).first()
        if stored == activity.date:
            return  # not moved
        # The rows on the page are checked each in its form; the others (another town's,
        # or all of them when the list is read-only) as they stand.
        checked = [f.instance.pk for f in self.initial_forms] if self.rows_editable else []
        others = Attendance.objects.filter(activity=activity, status__in=HAPPENED)
        if others.exclude(pk__in=[pk for pk in checked if pk is not None]).exists():
            raise ValidationError(MOVED_TO_COME)


class AttendanceInline(CoveredChoicesMixin, admin.TabularInline):
    """The attendance of the representatives the user covers; others' rows are neither
    shown nor reachable, and only covered representatives can be added."""

    model = Attendance
    form = AttendanceForm
    formset = AttendanceFormSet
    extra = 3
    fields = ["representative", "status", "excuse", "excuse_approved", "approved_by_name"]
    readonly_fields = ["approved_by_name"]
    autocomplete_fields = ["representative"]
    approved_by_name = person_column(Attendance, "approved_by")

    def get_queryset(self, request):
        rows = (
            super()
            .get_queryset(request)
            .select_related("representative", "approved_by", "approved_by__representative")
        )
        return access.limit_to_representatives(request.user, rows)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.rows_editable = self.has_change_permission(request, obj)
        return formset


class ActivityForm(forms.ModelForm):
    # False when the page has the attendance list, whose formset checks the move itself
    # (set by ActivityAdmin.get_form).
    check_attendance = True

    class Meta:
        model = Activity
        fields = ["kind", "title", "date", "place", "station", "organiser", "is_cancelled"]

    def clean(self):
        data = super().clean()
        moved = "date" in self.changed_data and self.instance.pk is not None
        if self.check_attendance and moved and is_still_to_come(data.get("date")):
            happened = Attendance.objects.filter(activity=self.instance, status__in=HAPPENED)
            if happened.exists():
                self.add_error("date", MOVED_TO_COME)
        return data


class CancelOnSaveMixin:
    """Ticking "cancelled" on the form cancels through the service, unticking it reinstates
    (compare-and-set, audit row naming who, entries withdrawn or counted again); the other
    fields save as usual."""

    def save_model(self, request, obj, form, change):
        toggled = change and "is_cancelled" in form.changed_data
        wanted = obj.is_cancelled
        if toggled:
            obj.is_cancelled = not wanted  # the service moves it, with its audit row
        super().save_model(request, obj, form, change)
        if toggled and wanted:
            self.cancel(obj, request.user)
        elif toggled:
            self.reinstate(obj, request.user)


class ActivityGuestInline(admin.TabularInline):
    """The participants who are not representatives: at the petition hall's joint reception
    (issue #11) the vice-director, the legal worker and the department heads. They earn no
    points; a change is recorded in the administration's own history."""

    model = ActivityGuest
    extra = 1
    fields = ["kind", "name", "post", "user"]
    autocomplete_fields = ["user"]


def _counted(rows) -> Coalesce:
    """How many ``rows`` (correlated to the outer row) there are, 0 for none."""
    count = rows.values("activity").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(count), 0)


@admin.register(Activity)
class ActivityAdmin(CancelOnSaveMixin, admin.ModelAdmin):
    list_display = [
        "date",
        "title",
        "kind",
        "station",
        "organiser",
        "present_count",
        "absent_count",
        "is_cancelled",
    ]
    list_filter = [DateYearListFilter, "kind", "is_cancelled", "station__town"]
    search_fields = ["title", "place", "organiser"]
    list_select_related = ["station"]
    autocomplete_fields = ["station"]
    form = ActivityForm
    inlines = [AttendanceInline]
    actions = ["cancel_activities"]

    def get_inlines(self, request, obj):
        # The other participants belong to the petition hall's joint reception alone (its
        # add page is opened with ?kind=joint_reception, and posts back to the same address).
        kind = obj.kind if obj is not None else request.GET.get("kind")
        if kind == Activity.Kind.JOINT_RECEPTION:
            return [*self.inlines, ActivityGuestInline]
        return self.inlines

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        inlines = self.get_inline_instances(request, obj)
        form.check_attendance = not any(isinstance(i, AttendanceInline) for i in inlines)
        return form

    def get_queryset(self, request):
        # Counted per activity shown, by subquery: a join and GROUP BY would count the
        # attendance of every activity for each page (and for its count).
        attendance = Attendance.objects.filter(activity=OuterRef("pk")).order_by()
        present = Q(status=Attendance.Status.PRESENT)
        return (
            super()
            .get_queryset(request)
            .annotate(
                _present=_counted(attendance.filter(present)),
                _absent=_counted(attendance.exclude(present)),
            )
        )

    @admin.display(description=_("present"), ordering="_present")
    def present_count(self, obj):
        return obj._present

    @admin.display(description=_("absent or excused"), ordering="_absent")
    def absent_count(self, obj):
        return obj._absent

    def cancel(self, activity, user) -> None:
        services.activity_cancel(activity=activity, actor=user)

    def reinstate(self, activity, user) -> None:
        services.activity_reinstate(activity=activity, actor=user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Attendance:
            return super().save_formset(request, form, formset, change)
        # Each row through the service (who approved an excuse, its audit row, its entry);
        # a removed row's entry is withdrawn through points.signals.
        for attendance in formset.save(commit=False):
            services.attendance_save(attendance=attendance, actor=request.user)
        for attendance in formset.deleted_objects:
            attendance.delete()
        formset.save_m2m()
        return None

    @transaction.atomic
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Entries follow the attendance list as it now stands: present earns, unexcused
        # absence deducts, a cancelled activity counts nothing. Removed rows' entries are
        # withdrawn through points.signals.
        services.activity_sync(activity=form.instance)

    @admin.action(
        description=_("Cancel the selected activities (their entries are withdrawn)"),
        permissions=["change"],
    )
    def cancel_activities(self, request, queryset):
        with transaction.atomic():
            cancelled = [
                activity
                for activity in queryset.filter(is_cancelled=False)
                if services.activity_cancel(activity=activity, actor=request.user)
            ]
        self.message_user(
            request,
            ngettext(
                "Cancelled %(count)d activity.", "Cancelled %(count)d activities.", len(cancelled)
            )
            % {"count": len(cancelled)},
            messages.SUCCESS,
        )


@admin.register(Attendance)
class AttendanceAdmin(LongListAdminMixin, SubquerySearchMixin, admin.ModelAdmin):
    """Every attendance row, to find the excuses waiting for approval across activities."""

    form = AttendanceForm
    list_display = [
        "activity",
        "representative",
        "status",
        "excuse",
        "excuse_approved",
        "approved_by_name",
    ]
    list_filter = ["status", "excuse_approved", "activity__kind"]
    search_fields = ["representative__name", "activity__title"]
    list_select_related = [
        "activity",
        "representative",
        "approved_by",
        "approved_by__representative",
    ]
    fields = [
        "activity",
        "representative",
        "status",
        "excuse",
        "excuse_approved",
        "approved_by_name",
    ]
    readonly_fields = ["activity", "representative", "approved_by_name"]
    approved_by_name = person_column(Attendance, "approved_by")
    actions = ["approve_excuses"]

    def get_queryset(self, request):
        return access.limit_to_representatives(request.user, super().get_queryset(request))

    def search_q(self, word):
        return Q(representative__in=representatives_named(word)) | Q(
            activity__in=Activity.objects.filter(title__icontains=word).values("pk")
        )

    def has_add_permission(self, request):
        return False  # added on the activity's attendance list

    def save_model(self, request, obj, form, change):
        services.attendance_save(attendance=obj, actor=request.user)

    @admin.action(description=_("Approve the excuses of the selected rows"), permissions=["change"])
    def approve_excuses(self, request, queryset):
        approved = 0
        rows = queryset.filter(status=Attendance.Status.EXCUSED, excuse_approved=False).exclude(
            excuse=""
        )
        with transaction.atomic():
            for attendance in rows.select_related("activity", "representative"):
                if services.excuse_approve(attendance=attendance, actor=request.user):
                    approved += 1
        skipped = queryset.count() - approved
        text = ngettext("Approved %(count)d excuse.", "Approved %(count)d excuses.", approved) % {
            "count": approved
        }
        if skipped:
            text += " " + ngettext(
                "%(count)d row was not an excuse waiting for approval and was left as it was.",
                "%(count)d rows were not excuses waiting for approval and were left as they were.",
                skipped,
            ) % {"count": skipped}
        self.message_user(request, text, messages.SUCCESS)


# --- duty days and their roster -----------------------------------------------------------------


class DutyShiftFormSet(RosterFormSet):
    duplicate_message = _("A representative can be listed only once per duty day.")

    def clean(self):
        super().clean()
        day = self.instance
        if day.date is None or day.date <= timezone.localdate():
            return
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("served") and not data.get("DELETE"):
                raise ValidationError(
                    _(
                        "Nobody has served a duty day that is still to come: tick “served” "
                        "on the day or after."
                    )
                )


class DutyShiftInline(CoveredChoicesMixin, admin.TabularInline):
    model = DutyShift
    formset = DutyShiftFormSet
    extra = 2
    fields = ["representative", "served"]
    autocomplete_fields = ["representative"]
    verbose_name_plural = _("roster (planned in advance; tick “served” afterwards)")

    def get_queryset(self, request):
        # Each row shows as "representative @ station date": all three in the one query.
        return super().get_queryset(request).select_related("representative", "duty_day__station")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("representative")
        covered = access.covered_representatives_q(request.user, "pk")
        if obj is not None and field is not None and covered is not None:
            # Whoever is on the day's roster stays a choice: the day belongs to the
            # station, whose staff tick who served, wherever that representative is seated.
            roster = DutyShift.objects.filter(duty_day=obj).values("representative_id")
            field.queryset = Representative.objects.filter(covered | Q(pk__in=roster))
        return formset


@admin.register(DutyDay)
class DutyDayAdmin(SubquerySearchMixin, CancelOnSaveMixin, CoveredChoicesMixin, admin.ModelAdmin):
    list_display = ["date", "station", "hours", "roster", "served_count", "is_cancelled"]
    list_filter = [DateYearListFilter, "is_cancelled", "station__town"]
    search_fields = ["station__name", "shifts__representative__name"]
    list_select_related = ["station"]
    autocomplete_fields = ["station"]
    inlines = [DutyShiftInline]
    actions = ["cancel_duty_days"]

    def get_queryset(self, request):
        shifts = DutyShift.objects.select_related("representative").order_by("representative__name")
        days = (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("shifts", queryset=shifts, to_attr="roster_shifts"))
        )
        return access.limit_to_stations(request.user, days)

    def search_q(self, word):
        named = DutyShift.objects.filter(representative__in=representatives_named(word))
        return Q(station__in=Station.objects.filter(name__icontains=word).values("pk")) | Q(
            pk__in=named.values("duty_day_id")
        )

    @admin.display(description=_("roster"))
    def roster(self, obj):
        return "、".join(s.representative.name for s in obj.roster_shifts) or "—"

    @admin.display(description=_("served"))
    def served_count(self, obj):
        return f"{sum(1 for s in obj.roster_shifts if s.served)}/{len(obj.roster_shifts)}"

    def cancel(self, duty_day, user) -> None:
        services.duty_day_cancel(duty_day=duty_day, actor=user)

    def reinstate(self, duty_day, user) -> None:
        services.duty_day_reinstate(duty_day=duty_day, actor=user)

    @transaction.atomic
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.duty_day_sync(duty_day=form.instance)

    @admin.action(
        description=_("Cancel the selected duty days (their entries are withdrawn)"),
        permissions=["change"],
    )
    def cancel_duty_days(self, request, queryset):
        with transaction.atomic():
            cancelled = [
                day
                for day in queryset.filter(is_cancelled=False)
                if services.duty_day_cancel(duty_day=day, actor=request.user)
            ]
        self.message_user(
            request,
            ngettext(
                "Cancelled %(count)d duty day.", "Cancelled %(count)d duty days.", len(cancelled)
            )
            % {"count": len(cancelled)},
            messages.SUCCESS,
        )
