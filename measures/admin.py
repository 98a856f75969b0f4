"""The station star ratings in the administration (issue #14, moved here from liaison): staff
type only the criteria scored by hand; the measured ones (五成效) are shown read only and
recomputed from the records on every save, with the total, the stars and the audit row
(``measures.ratings.rating_refresh``). A rating of a year whose awards are locked opens read
only (its form would otherwise repeat the refusal once per score row)."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from liaison.awards import awards_locked
from liaison.models import RatingCriterion, RatingScore, StationRating
from liaison.models.awards import locked_message
from measures import ratings

MEASURED = {"criterion__is_measured": True, "criterion__code__in": ratings.MEASURED_CODES}


def _open(rating) -> bool:
    """Whether ``rating`` (None on the add form) may still change: its year is not locked."""
    return rating is None or rating.pk is None or not awards_locked(rating.year)


class HandScoreInline(admin.TabularInline):
    """The hand-scored criteria: the only scores staff type."""

    model = RatingScore
    extra = 0
    verbose_name = _("score typed by hand")
    verbose_name_plural = _("scores typed by hand")

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(**MEASURED).select_related("criterion")

    def has_change_permission(self, request, obj=None):
        return _open(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return _open(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _open(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "criterion":
            kwargs["queryset"] = RatingCriterion.objects.filter(
                pk__in=[c.pk for c in ratings.hand_criteria()]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StationRatingForm(forms.ModelForm):
    class Meta:
        model = StationRating
        fields = ["station", "year", "rated_on", "notes"]

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year") or (self.instance.year if self.instance.pk else None)
        years = {year, self.instance.year if self.instance.pk else None} - {None}
        for y in sorted(years):
            if awards_locked(y):
                raise forms.ValidationError(locked_message(y))
        return cleaned


@admin.register(StationRating)
class StationRatingAdmin(admin.ModelAdmin):
    form = StationRatingForm
    list_display = ["station", "year", "total", "max_total", "stars", "rated_on", "rated_by"]
    list_filter = ["year", "stars", "station__town", "station__kind"]
    search_fields = ["station__name"]
    list_select_related = ["station", "rated_by"]
    readonly_fields = ["total", "max_total", "stars", "rated_by", "measured_scores"]
    autocomplete_fields = ["station"]
    inlines = [HandScoreInline]

    @admin.display(description=_("scores measured from the records (recomputed on save)"))
    def measured_scores(self, obj):
        if not obj.pk:
            return "—"
        rows = (
            RatingScore.objects.filter(rating=obj, **MEASURED)
            .select_related("criterion")
            .order_by("criterion__order")
        )
        return (
            format_html_join(
                "",
                "<div>{}: {} / {}</div>",
                ((s.criterion.name, s.score, s.criterion.max_score) for s in rows),
            )
            or "—"
        )

    def has_change_permission(self, request, obj=None):
        return _open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _open(obj) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        rating = self.get_object(request, object_id)
        if rating is not None and not _open(rating) and request.method == "GET":
            messages.warning(request, locked_message(rating.year))
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if obj.rated_by_id is None:
            obj.rated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The measured scores, the total and the stars are never typed in.
        ratings.rating_refresh(rating=form.instance, actor=request.user)
