"""The points table: rules, category caps, grade bands."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from points.models import CategoryCap, GradeBand, PointRule

# The fields a rule's points depend on: changing them on a row that already applies to
# past years changes those years' totals.
SCORING_FIELDS = {"points_first", "points_further", "yearly_cap", "is_active", "applies_from"}

LATER_YEAR_HELP = _(
    "To change it from a later year on, do not edit this row: add a new row with the same "
    "code and that year (open this row and use “Save as new”). Editing a row changes the "
    "totals of every year it already applies to."
)


class PointRuleForm(forms.ModelForm):
    class Meta:
        model = PointRule
        fields = [
            "code",
            "category",
            "name",
            "points_first",
            "points_further",
            "yearly_cap",
            "needs_evidence",
            "needs_approval",
            "claimable",
            "is_active",
            "applies_from",
            "order",
        ]
        help_texts = {"applies_from": LATER_YEAR_HELP}


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    form = PointRuleForm
    list_display = [
        "code",
        "name",
        "category",
        "applies_from",
        "points_first",
        "points_further",
        "yearly_cap",
        "claimable",
        "needs_evidence",
        "needs_approval",
        "is_active",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["category", "applies_from", "claimable", "is_active"]
    search_fields = ["code", "name"]
    ordering = ["code", "-applies_from"]
    save_as = True
    save_as_continue = True

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        past = obj.applies_from < timezone.localdate().year
        if change and past and SCORING_FIELDS & set(form.changed_data):
            self.message_user(
                request,
                gettext(
                    "This row applies from %(year)s: the totals of those past years "
                    "change with it. To change the rule from a later year on, add a new "
                    "row for that year instead."
                )
                % {"year": obj.applies_from},
                messages.WARNING,
            )


class CategoryCapForm(forms.ModelForm):
    class Meta:
        model = CategoryCap
        fields = ["category", "cap", "applies_from"]
        help_texts = {
            "applies_from": _(
                "A change for a later year is a new row for that year; this row keeps last "
                "year's totals as they were."
            )
        }


@admin.register(CategoryCap)
class CategoryCapAdmin(admin.ModelAdmin):
    form = CategoryCapForm
    list_display = ["category", "cap", "applies_from"]
    list_filter = ["category", "applies_from"]


class GradeBandForm(forms.ModelForm):
    class Meta:
        model = GradeBand
        fields = ["name", "min_total", "applies_from"]
        help_texts = {
            "applies_from": _(
                "A year is graded by the bands of the latest “applies from” year not after "
                "it, taken together: to change the bands for a later year, add the whole set "
                "for that year."
            )
        }


@admin.register(GradeBand)
class GradeBandAdmin(admin.ModelAdmin):
    form = GradeBandForm
    list_display = ["name", "min_total", "applies_from"]
    list_filter = ["applies_from"]
