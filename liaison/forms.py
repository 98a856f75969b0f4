from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.models import Station, Town, mainland_mobile_validator


class MobileField(forms.CharField):
    """A mainland mobile number; spaces, dashes and a +86 prefix are forgiven."""

    default_validators = [mainland_mobile_validator]

    def to_python(self, value):
        value = super().to_python(value)
        value = value.replace(" ", "").replace("-", "")
        if value.startswith("+86"):
            value = value[3:]
        return value


class StationFilterForm(forms.Form):
    """The station list's filters; a plain GET form that works without JavaScript."""

    town = forms.ModelChoiceField(
        queryset=Town.objects.all(),
        required=False,
        label=_("Town"),
        empty_label=_("All towns"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    kind = forms.ChoiceField(
        choices=[("", _("All kinds")), *Station.Kind.choices],
        required=False,
        label=_("Kind"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


# Database ids are 64-bit; anything larger is not an id at all.
MAX_ID = 2**63 - 1


class QrCardsForm(forms.Form):
    """Which QR cards to print: chosen representatives, or a whole station."""

    representative = forms.TypedMultipleChoiceField(
        coerce=int, required=False, choices=(), label=_("Representatives")
    )
    station = forms.IntegerField(required=False, min_value=1, label=_("Station"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the view keeps only existing, active ones.
        self.fields["representative"].valid_value = lambda value: True

    def clean_representative(self):
        # Ids outside the database's range cannot match anything; drop them here so the
        # query never sees them.
        return [pk for pk in self.cleaned_data["representative"] if 0 < pk <= MAX_ID]

    def clean_station(self):
        pk = self.cleaned_data["station"]
        return pk if pk is not None and 0 < pk <= MAX_ID else None

    def clean(self):
        data = super().clean()
        if not self.data.get("representative") and not self.data.get("station"):
            raise forms.ValidationError(_("Choose representatives or a station to print."))
        return data


class RhythmYearForm(forms.Form):
    """A year's rhythm on one form: the year's theme (行动年), four seasons (主题季), twelve
    months (活动月); each a title and a description. An empty title removes the theme."""

    def __init__(self, *args, slots, initial_themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.slot_names = []
        for kind, number in slots:
            name = kind if number is None else f"{kind}_{number}"
            theme = initial_themes.get((kind, number))
            self.fields[f"{name}_title"] = forms.CharField(
                label=_rhythm_label(kind, number),
                max_length=100,
                required=False,
                initial=theme.title if theme else "",
            )
            self.fields[f"{name}_description"] = forms.CharField(
                label=_("Description"),
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=theme.description if theme else "",
            )
            self.slot_names.append(((kind, number), name))

    def clean(self):
        data = super().clean()
        for _slot, name in self.slot_names:
            if (
                data.get(f"{name}_description", "").strip()
                and not data.get(f"{name}_title", "").strip()
            ):
                self.add_error(f"{name}_title", _("Enter a title for this description."))
        return data

    def rows(self):
        """(title field, description field) per theme, in the form's order."""
        return [
            (self[f"{name}_title"], self[f"{name}_description"]) for _s, name in self.slot_names
        ]

    def entries(self) -> dict:
        return {
            slot: (self.cleaned_data[f"{name}_title"], self.cleaned_data[f"{name}_description"])
            for slot, name in self.slot_names
        }


def _rhythm_label(kind, number):
    if number is None:
        return _("Action year (行动年)")
    if kind == "quarter":
        return _("Season %(number)s (主题季)") % {"number": number}
    return _("Month %(number)s (活动月)") % {"number": number}
