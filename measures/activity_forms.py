"""The forms of the activities' results pages (issue #14, part B): the period filter, and a
researched issue or a followed site to add. What they save goes through
``measures.activity_services``."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.models import Activity, Town
from measures.activities import half_year, town_id_of

DEFAULT_KIND = Activity.Kind.DIRECTOR_RECEPTION
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": gettext_lazy("Enter a date such as 2026-03-15.")}


class ResultsFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of activity"), required=False)
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )
    town = forms.ModelChoiceField(Town.objects.none(), label=gettext_lazy("Town"), required=False)

    def __init__(self, data, *, user):
        # No kind in the address: the director's receptions; an empty kind: every kind.
        data = data.copy()
        data.setdefault("kind", DEFAULT_KIND)
        super().__init__(data)
        self.fields["kind"].choices = [("", _("all kinds")), *Activity.Kind.choices]
        town_id = town_id_of(user)
        towns = Town.objects.all() if town_id is None else Town.objects.filter(pk=town_id)
        self.fields["town"].queryset = towns
        self.fields["town"].empty_label = _("all towns") if town_id is None else None
        self.user_town_id = town_id

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period is before its start."))
        return data

    def filters(self) -> dict:
        """The valid filters; an invalid one falls back to its default (its error shows on
        the page). A period with one end given is that end's half-year. Town staff always
        see their own town."""
        self.is_valid()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if "start" in self.errors or "end" in self.errors:
            start = end = None
        if start is None and end is None:
            start, end = half_year()
        elif end is None:
            end = max(start, half_year(start)[1])
        elif start is None:
            start = min(end, half_year(end)[0])
        town = data.get("town")
        if self.user_town_id is not None:
            town = self.fields["town"].queryset.first()
        kind = DEFAULT_KIND if "kind" in self.errors else data.get("kind") or None
        return {"kind": kind, "start": start, "end": end, "town": town}


class ResearchedIssueForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Common issue"),
        max_length=120,
        error_messages={"required": gettext_lazy("Name the common issue.")},
    )
    plan = forms.CharField(
        label=gettext_lazy("Plan to solve it"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Write down the plan to solve it.")},
    )
    petitions = forms.ModelMultipleChoiceField(
        queryset=None,
        label=gettext_lazy("Concerns behind it"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": gettext_lazy("Choose only concerns raised at this activity."),
            "invalid_pk_value": gettext_lazy("Choose only concerns raised at this activity."),
        },
    )

    def __init__(self, *args, activity, petitions=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["petitions"]
        field.queryset = activity.petitions.order_by("pk")
        field.label_from_instance = lambda p: f"{p.tracking_no} {p.text[:30]}"
        if petitions is not None:
            # The page's own list of the concerns raised: the choices cost no query.
            field.choices = [(p.pk, field.label_from_instance(p)) for p in petitions]


class FollowedSiteForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Demonstration site"),
        max_length=120,
        error_messages={"required": gettext_lazy("Name the demonstration site.")},
    )
    problems = forms.CharField(
        label=gettext_lazy("Problems followed"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
