"""The forms of the mediation pages: they parse and check input; the services change data."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.models import Representative, StaffScope, Station, Town
from liaison.people import display_name
from mediation.models import Mediation, Party


class PartyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=30)
    role = forms.ChoiceField(label=_("Role"), choices=Party.Role.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class _RepresentativeChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _LegalWorkerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


def legal_workers_for(mediation: Mediation):
    """The legal workers who may mediate: of the mediation's station, or the county hall's."""
    users = get_user_model().objects.filter(staff_scope__level=StaffScope.Level.LEGAL)
    return users.filter(staff_scope__station__isnull=True) | users.filter(
        staff_scope__station__town_id=mediation.town_id
    )


class MediatorsForm(forms.Form):
    representatives = _RepresentativeChoice(
        label=_("Mediating representatives"),
        queryset=Representative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_worker = _LegalWorkerChoice(
        label=_("Mediating legal worker"), queryset=None, required=False
    )

    def __init__(self, *args, mediation: Mediation, **kwargs):
        super().__init__(*args, **kwargs)
        # The representatives of the mediation's town's stations (who live and work there).
        self.fields["representatives"].queryset = (
            Representative.objects.filter(
                is_active=True, memberships__station__town_id=mediation.town_id
            )
            .distinct()
            .order_by("name", "pk")
        )
        self.fields["legal_worker"].queryset = legal_workers_for(mediation).order_by("username")

    def clean(self):
        data = super().clean()
        if not data.get("representatives") and not data.get("legal_worker"):
            raise forms.ValidationError(_("Choose at least one representative or a legal worker."))
        return data


class SessionForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    place = forms.CharField(label=_("Place"), max_length=100)
    representatives = _RepresentativeChoice(
        label=_("Representatives present"),
        queryset=Representative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others = forms.CharField(
        label=_("Others present"),
        max_length=200,
        required=False,
        help_text=_("The parties, the legal worker, village cadres … as words."),
    )
    note = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, mediation: Mediation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representatives"].queryset = mediation.representatives.order_by("name")
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())
            if mediation.station is not None:
                self.initial.setdefault("place", mediation.station.name)

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("A session cannot be recorded before it is held."))
        return held_on


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in Mediation.Outcome.choices if c[0]],
        widget=forms.RadioSelect,
    )
    agreement = forms.CharField(
        label=_("Agreement"),
        required=False,
        # As long as a concern's text may be: an agreement is a page or two.
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when an agreement was reached: its text as signed."),
    )
    scan = forms.FileField(
        label=_("Signed agreement (scan)"),
        required=False,
        help_text=_("PDF, OFD, JPEG or PNG."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("outcome") == Mediation.Outcome.SUCCESS
            and not (data.get("agreement") or "").strip()
        ):
            self.add_error("agreement", _("Enter the text of the agreement reached."))
        return data


class ListFilterForm(forms.Form):
    town = forms.ModelChoiceField(Town.objects.none(), label=_("Town"), required=False)
    station = forms.ModelChoiceField(Station.objects.none(), label=_("Station"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("all"))] + list(Mediation.Status.choices),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Town.objects.order_by("order", "name")
        self.fields["town"].empty_label = _("all towns")
        self.fields["station"].queryset = Station.objects.filter(is_active=True).order_by("name")
        self.fields["station"].empty_label = _("all stations")

    def filters(self) -> dict:
        """The valid filters; an invalid one is ignored rather than refused."""
        self.is_valid()
        return {k: self.cleaned_data.get(k) for k in ("town", "station", "status")}


class SummaryForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, this_year - 6, -1)]

    def chosen_year(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("year") or timezone.localdate().year
