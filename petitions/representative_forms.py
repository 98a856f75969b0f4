"""Forms a representative fills in on a phone: a walk-in reception, a 随手拍, an outreach
visit and the concerns raised on it.

They only parse and validate; the services in ``petitions/services.py`` record.
"""

import uuid

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.forms import MobileField
from liaison.models import Representative, Station, Village
from petitions.models import Category, Reception, Visit
from petitions.outreach import MAX_VISIT_CONCERNS, active_fellows
from petitions.photos import clean_photo_uploads

SNAPSHOT_PHOTO_FIELDS = ("photo1", "photo2", "photo3")


def _text_field(label, help_text=""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        min_length=settings.PETITION_TEXT_MIN,
        max_length=settings.PETITION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": settings.PETITION_TEXT_MAX}),
    )


class OneTimeForm(forms.Form):
    """A form carrying a one-time key: a double tap or a replay records one concern."""

    submit_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submit_key", uuid.uuid4())


class CitizenFieldsMixin:
    """A citizen's optional name and mobile, recorded only with their consent."""

    def clean_citizen_phone(self):
        return (self.cleaned_data.get("citizen_phone") or "").replace(" ", "")

    def clean(self):
        data = super().clean()
        if (data.get("citizen_name") or data.get("citizen_phone")) and not data.get("consent"):
            self.add_error(
                "consent",
                _("Ask the citizen first: their name and mobile are recorded only if they agree."),
            )
        return data


def _citizen_fields():
    return {
        "citizen_name": forms.CharField(label=_("Citizen's name"), max_length=30, required=False),
        "citizen_phone": MobileField(
            label=_("Citizen's mobile"),
            max_length=16,
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        ),
        "consent": forms.BooleanField(
            label=_("The citizen agreed, in words, that their name and mobile are recorded"),
            required=False,
            help_text=_(
                "Only to tell them the result of their concern; erased after the retention period."
            ),
        ),
    }


class ReceptionForm(CitizenFieldsMixin, OneTimeForm):
    station = forms.ModelChoiceField(Station.objects.none(), label=_("Station"))
    matter = forms.CharField(
        label=_("What the visitor came about, in a few words"),
        max_length=100,
        required=False,
    )
    text = forms.CharField(
        label=_("The concern (if they raised one)"),
        help_text=_("In the citizen's own words, as far as possible."),
        required=False,
        max_length=settings.PETITION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": settings.PETITION_TEXT_MAX}),
    )
    category = forms.ModelChoiceField(
        Category.objects.filter(is_active=True), label=_("Category"), required=False
    )

    def __init__(self, *args, representative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_citizen_fields())
        self.fields["station"].queryset = (
            Station.objects.active()
            .filter(memberships__representative=representative)
            .select_related("town")
            .order_by("town__order", "name")
        )
        # The intake part of the "六个一" checklist, labelled as the model names each item;
        # the feedback and the satisfied visitor follow later (Reception).
        for name in Reception.INTAKE_CHECKLIST:
            self.fields[name] = forms.BooleanField(
                label=Reception._meta.get_field(name).verbose_name, required=False
            )

    @property
    def checklist_fields(self):
        return [self[name] for name in Reception.INTAKE_CHECKLIST]

    @property
    def later_items(self):
        """The labels of the two items that follow later, named beside the four."""
        return [
            Reception._meta.get_field(name).verbose_name
            for name in Reception.CHECKLIST
            if name not in Reception.INTAKE_CHECKLIST
        ]

    def clean(self):
        data = super().clean()
        text = (data.get("text") or "").strip()
        if text and len(text) < settings.PETITION_TEXT_MIN:
            self.add_error(
                "text",
                _("Describe the concern in %(min)d to %(max)d characters.")
                % {"min": settings.PETITION_TEXT_MIN, "max": settings.PETITION_TEXT_MAX},
            )
        if not text and not (data.get("matter") or "").strip():
            self.add_error("matter", _("Say in a few words what the visitor came about."))
        if text and not data.get("category"):
            self.add_error("category", _("Choose the concern's category."))
        return data

    @property
    def checklist(self) -> list[str]:
        return [name for name in Reception.INTAKE_CHECKLIST if self.cleaned_data.get(name)]


class ReceptionTickForm(forms.Form):
    """The two later items of a reception without a concern."""

    feedback = forms.BooleanField(
        label=Reception._meta.get_field("feedback").verbose_name, required=False
    )
    satisfied = forms.BooleanField(
        label=Reception._meta.get_field("satisfied").verbose_name, required=False
    )


class SnapshotForm(OneTimeForm):
    text = _text_field(_("What is the problem?"))
    village = forms.ModelChoiceField(
        Village.objects.select_related("town"),
        label=_("Village or community"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Separate single-file inputs: WeChat's picker breaks on ``multiple``.
        for index, name in enumerate(SNAPSHOT_PHOTO_FIELDS, start=1):
            self.fields[name] = forms.FileField(
                label=_("Photo %(n)d") % {"n": index},
                required=index == 1,
                widget=forms.FileInput(attrs={"accept": "image/*"}),
            )

    def clean(self):
        data = super().clean()
        data["photos"] = clean_photo_uploads(self, SNAPSHOT_PHOTO_FIELDS)
        return data


VISIT_PHOTO_FIELDS = ("photo1", "photo2", "photo3")


class VisitForm(OneTimeForm):
    date = forms.DateField(
        label=_("Date of the visit"),
        # ISO, as a date input needs, whatever the language's date format.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    place_kind = forms.ChoiceField(label=_("Kind of place"), choices=Visit.PlaceKind.choices)
    place = forms.CharField(label=_("Place"), max_length=100)
    village = forms.ModelChoiceField(
        Village.objects.select_related("town"),
        label=_("Village or community"),
        required=False,
    )
    fellows = forms.ModelMultipleChoiceField(
        Representative.objects.none(),
        label=_("Fellow representatives"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    people_count = forms.IntegerField(
        label=_("Number of people met"), min_value=0, max_value=100000, required=False
    )
    people_note = forms.CharField(label=_("Who was met"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=settings.PETITION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, representative, **kwargs):
        super().__init__(*args, **kwargs)
        # Most visits are recorded the day they happen (as intake's date received).
        self.initial.setdefault("date", timezone.localdate())
        self.fields["fellows"].queryset = active_fellows().exclude(pk=representative.pk)
        # Separate single-file inputs: WeChat's picker breaks on ``multiple``.
        for index, name in enumerate(VISIT_PHOTO_FIELDS, start=1):
            self.fields[name] = forms.FileField(
                label=_("Photo %(n)d") % {"n": index},
                required=False,
                widget=forms.FileInput(attrs={"accept": "image/*"}),
            )

    def clean_date(self):
        on = self.cleaned_data["date"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("A visit cannot be in the future."))
        return on

    def clean(self):
        data = super().clean()
        data["photos"] = clean_photo_uploads(self, VISIT_PHOTO_FIELDS)
        return data


class VisitConcernForm(CitizenFieldsMixin, forms.Form):
    """One concern raised on a visit."""

    text = _text_field(_("The concern"), _("In the citizen's own words, as far as possible."))
    category = forms.ModelChoiceField(
        Category.objects.filter(is_active=True), label=_("Category"), required=False
    )
    village = forms.ModelChoiceField(
        Village.objects.select_related("town"),
        label=_("Village or community"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_citizen_fields())


class VisitConcernAddForm(VisitConcernForm, OneTimeForm):
    """A concern added from the visit's page, after the visit was recorded."""


VisitConcernFormSet = forms.formset_factory(
    VisitConcernForm, extra=2, max_num=MAX_VISIT_CONCERNS, validate_max=True
)
