"""The key issues' forms: what staff enter for an issue, a progress note, a change of state,
and the list's and coverage page's filters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyissues.models import KeyIssue
from liaison.models import Representative, Station, Town
from petitions.models import Petition

# The concerns offered for linking: the station's latest ones (a key issue is about what
# people raise now).
PICKABLE_CONCERNS = 200


def _bootstrap(form) -> None:
    """Bootstrap's classes on the form's inputs (checkbox lists are drawn by the template)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.HiddenInput)):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = css


def _quarter_choices():
    return [(n, _("Q%(number)s") % {"number": n}) for n in range(1, 5)]


class ConcernChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        text = obj.text if len(obj.text) <= 40 else obj.text[:40] + "…"
        return f"{obj.tracking_no} · {obj.get_step_display()} · {text}"


class KeyIssueForm(forms.ModelForm):
    """An issue's title, description, plan, concerns and representatives; for a new one also
    its year and quarter."""

    petitions = ConcernChoiceField(
        Petition.objects.none(),
        label=_("Concerns it is about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The station's common concerns it brings together; none for a topic."),
    )
    representatives = forms.ModelMultipleChoiceField(
        Representative.objects.none(),
        label=_("Representatives on it"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = KeyIssue
        fields = ["year", "quarter", "title", "topic", "plan", "petitions", "representatives"]
        widgets = {
            "topic": forms.Textarea(attrs={"rows": 3}),
            "plan": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, station: Station, concerns, **kwargs):
        super().__init__(*args, **kwargs)
        self.station = station
        if self.instance.pk is None:
            self.instance.station = station
        today = timezone.localdate()
        if self.instance.pk is None:
            self.fields["year"] = forms.TypedChoiceField(
                label=_("Year"),
                coerce=int,
                choices=[(y, str(y)) for y in (today.year - 1, today.year, today.year + 1)],
                initial=today.year,
            )
            self.fields["quarter"] = forms.TypedChoiceField(
                label=_("Quarter"),
                coerce=int,
                choices=_quarter_choices(),
                initial=(today.month - 1) // 3 + 1,
            )
        else:
            del self.fields["year"], self.fields["quarter"]
        self.fields["petitions"].queryset = concerns
        self.fields["representatives"].queryset = Representative.objects.filter(
            memberships__station=station, is_active=True
        ).order_by("name", "pk")
        _bootstrap(self)


class NoteForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
    )
    text = forms.CharField(
        label=_("Progress"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StateForm(forms.Form):
    """A change of state; ``from_state`` is the state the user saw (compare-and-set)."""

    from_state = forms.ChoiceField(choices=KeyIssue.State.choices, widget=forms.HiddenInput)
    state = forms.ChoiceField(label=_("State"), choices=KeyIssue.State.choices)
    result = forms.CharField(
        label=_("Result"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when the issue is concluded as solved or not solved."),
    )
    result_date = forms.DateField(
        label=_("Result date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class KeyIssueFilterForm(forms.Form):
    """The list's filters; an invalid one is ignored."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, required=False, empty_value=None
    )
    town = forms.ModelChoiceField(Town.objects.all(), label=_("Town"), required=False)
    station = forms.ModelChoiceField(Station.objects.none(), label=_("Station"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(year + 1, year - 5, -1)]
        self.fields["quarter"].choices = [("", _("all quarters")), *_quarter_choices()]
        self.fields["town"].empty_label = _("all towns")
        self.fields["station"].queryset = stations
        self.fields["station"].empty_label = _("all stations")
        self.fields["state"].choices = [("", _("all states")), *KeyIssue.State.choices]
        _bootstrap(self)

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields}


class QuarterForm(forms.Form):
    """The coverage page's quarter."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(year + 1, year - 5, -1)]
        self.fields["quarter"].choices = _quarter_choices()
        _bootstrap(self)
