from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.models import Station, Town


class StationFilterForm(forms.Form):
    """The station list's filters; a plain GET form that works without JavaScript."""

    town = forms.ModelChoiceField(
        queryset=Town.objects.all(), required=False, label=_("Town"), empty_label=_("All towns")
    )
    kind = forms.ChoiceField(
        choices=[("", _("All kinds")), *Station.Kind.choices], required=False, label=_("Kind")
    )


class QrCardsForm(forms.Form):
    """Which QR cards to print: chosen representatives, or a whole station."""

    representative = forms.TypedMultipleChoiceField(
        coerce=int, required=False, choices=(), label=_("Representatives")
    )
    station = forms.IntegerField(required=False, min_value=1, label=_("Station"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any positive id is accepted here; the view keeps only existing, active ones.
        self.fields["representative"].valid_value = lambda value: True

    def clean(self):
        data = super().clean()
        if not data.get("representative") and not data.get("station"):
            raise forms.ValidationError(_("Choose representatives or a station to print."))
        return data
