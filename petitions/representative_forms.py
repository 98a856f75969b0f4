"""Forms a representative fills in on a phone: a walk-in reception and a 随手拍.

They only parse and validate; the services in ``petitions/services.py`` record.
"""

import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from liaison.forms import MobileField
from liaison.models import Station, Village
from petitions.models import Category, Reception
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


class ReceptionForm(OneTimeForm):
    station = forms.ModelChoiceField(Station.objects.none(), label=_("Station"))
    text = _text_field(_("The concern"), _("In the citizen's own words, as far as possible."))
    category = forms.ModelChoiceField(Category.objects.filter(is_active=True), label=_("Category"))
    citizen_name = forms.CharField(label=_("Citizen's name"), max_length=30, required=False)
    citizen_phone = MobileField(
        label=_("Citizen's mobile"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    consent = forms.BooleanField(
        label=_("The citizen agreed, in words, that their name and mobile are recorded"),
        required=False,
        help_text=_(
            "Only to tell them the result of their concern; erased after the retention period."
        ),
    )

    def __init__(self, *args, representative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = (
            Station.objects.active()
            .filter(memberships__representative=representative)
            .select_related("town")
            .order_by("town__order", "name")
        )
        # The "六个一" checklist, labelled as the model names each item.
        for name in Reception.CHECKLIST:
            self.fields[name] = forms.BooleanField(
                label=Reception._meta.get_field(name).verbose_name, required=False
            )

    @property
    def checklist_fields(self):
        return [self[name] for name in Reception.CHECKLIST]

    def clean_citizen_phone(self):
        return self.cleaned_data["citizen_phone"].replace(" ", "")

    def clean(self):
        data = super().clean()
        if (data.get("citizen_name") or data.get("citizen_phone")) and not data.get("consent"):
            self.add_error(
                "consent",
                _("Ask the citizen first: their name and mobile are recorded only if they agree."),
            )
        return data

    @property
    def checklist(self) -> list[str]:
        return [name for name in Reception.CHECKLIST if self.cleaned_data.get(name)]


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
