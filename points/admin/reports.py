"""Year-end report runs and reports (built by points/reports/; listed here) and the
publication of a year."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.people import person_column
from points import publication, reports, services
from points.admin.lists import SubquerySearchMixin, representatives_named
from points.models import AnnualReport, Category, Publication, ReportRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the system writes: staff look, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = [
        "year",
        "status",
        "progress",
        "pdf_done",
        "started_by_name",
        "created_at",
        "finished_at",
        "is_published",
    ]
    list_filter = ["year", "status"]
    list_select_related = ["started_by", "started_by__representative"]
    # A run's page names who started it, like its line in the list.
    exclude = ["started_by"]
    readonly_fields = ["started_by_name"]
    started_by_name = person_column(ReportRun, "started_by")
    actions = ["publish_years"]

    def get_queryset(self, request):
        published = Publication.objects.filter(run=OuterRef("pk"), year=OuterRef("year"))
        return super().get_queryset(request).annotate(_published=Exists(published))

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.done}/{obj.total}"

    @admin.display(description=_("published"), boolean=True)
    def is_published(self, obj):
        return obj._published

    def has_publish_permission(self, request):
        return request.user.has_perm("points.add_publication")

    @admin.action(
        description=_("Publish these years (each with its latest finished report)"),
        permissions=["publish"],
    )
    def publish_years(self, request, queryset):
        for year in sorted(set(queryset.values_list("year", flat=True))):
            try:
                publication.year_publish(year=year, actor=request.user)
            except services.PointsError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext(
                        "Published %(year)s: each representative's total and grade are now "
                        "on their public page."
                    )
                    % {"year": year},
                    messages.SUCCESS,
                )


@admin.register(AnnualReport)
class AnnualReportAdmin(SubquerySearchMixin, ReadOnlyAdmin):
    list_display = [
        "year",
        "rank",
        "representative",
        "total",
        "grade",
        "rank_in_level",
        "flag_list",
        "run",
    ]
    list_filter = ["year", "grade", "representative__level"]
    search_fields = ["representative__name"]
    list_select_related = ["representative", "run"]

    # The stored JSON by category, and the flags, in words on a report's own page.
    exclude = ["by_category", "flags"]
    readonly_fields = ["category_points", "flag_list"]

    def search_q(self, word):
        return Q(representative__in=representatives_named(word))

    @admin.display(description=_("flags"))
    def flag_list(self, obj):
        return "；".join(reports.flag_labels(obj.flags)) if obj.flags else "—"

    @admin.display(description=_("points per category"))
    def category_points(self, obj):
        points = obj.by_category or {}
        shown = [f"{c.label} {points[c.value]}" for c in Category if c.value in points]
        return "；".join(shown) or "—"


class PublishForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = ["year"]
        help_texts = {
            "year": _(
                "Each representative's total and grade of this year go on their public page "
                "(代表法 Art. 58), from the year's latest finished report. Publishing a year "
                "again moves it to its latest finished report."
            )
        }

    def clean_year(self):
        year = self.cleaned_data["year"]
        if publication.latest_done_run(year) is None:
            raise ValidationError(
                _("There is no finished report for %(year)s: build the year's reports first.")
                % {"year": year}
            )
        return year

    def validate_unique(self):
        pass  # publishing a year again is allowed: it moves to the latest report


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    form = PublishForm
    list_display = ["year", "run", "published_by_name", "published_at"]
    list_select_related = ["run", "published_by", "published_by__representative"]
    readonly_fields = ["published_by_name"]
    published_by_name = person_column(Publication, "published_by")
    fields = ["year"]

    def has_change_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["year"]
        return ["year", "run", "published_by_name", "published_at"]

    def save_model(self, request, obj, form, change):
        published = publication.year_publish(year=form.cleaned_data["year"], actor=request.user)
        obj.pk = published.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass
