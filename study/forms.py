"""The staff's form for a study material: parses and checks the upload; the rules of who may
address whom are study.services'."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from liaison.models import Representative
from study.models import MATERIAL_FILE_TYPES, Material, web_url_validator
from study.services import may_address_all, stations_for_staff


def _check_upload(upload) -> None:
    ext = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if ext not in MATERIAL_FILE_TYPES:
        raise forms.ValidationError(
            _("Attach PDF, OFD, Word, Excel, PowerPoint, JPEG or PNG files only.")
        )
    if upload.size > settings.STUDY_MATERIAL_MAX_BYTES:
        raise forms.ValidationError(
            _("A file may be at most %(mb)d MB.")
            % {"mb": settings.STUDY_MATERIAL_MAX_BYTES // (1024 * 1024)}
        )


class MaterialForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Material.Kind.choices)
    summary = forms.CharField(
        label=pgettext_lazy("study material", "Summary"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    url = forms.URLField(
        label=gettext_lazy("Web link"),
        required=False,
        max_length=500,
        validators=[web_url_validator],
        assume_scheme="https",
        help_text=gettext_lazy("The official page, for a law the national law database."),
    )
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    lecture_date = forms.DateField(
        label=gettext_lazy("Lecture date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    speaker = forms.CharField(label=gettext_lazy("Speaker"), required=False, max_length=80)
    slides = forms.FileField(label=gettext_lazy("Slides"), required=False)
    audience = forms.ChoiceField(label=gettext_lazy("Audience"), choices=Material.Audience.choices)
    level = forms.ChoiceField(
        label=gettext_lazy("Level"),
        required=False,
        choices=[("", "—")] + list(Representative.Level.choices),
    )
    station = forms.ModelChoiceField(label=gettext_lazy("Station"), required=False, queryset=None)
    publish = forms.BooleanField(label=gettext_lazy("Publish now"), required=False)

    def __init__(self, *args, user, material=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.material = material
        self.fields["station"].queryset = stations_for_staff(user)
        if not may_address_all(user):
            # Town and station staff publish to their own stations only.
            self.fields["audience"].choices = [
                (Material.Audience.STATION, Material.Audience.STATION.label)
            ]
            self.fields["level"].widget = forms.HiddenInput()
        if material is not None:
            del self.fields["publish"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            _check_upload(upload)
        return upload

    def clean_slides(self):
        upload = self.cleaned_data.get("slides")
        if upload:
            _check_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        if audience == Material.Audience.LEVEL and not data.get("level"):
            self.add_error("level", _("Choose the level the material is for."))
        if audience == Material.Audience.STATION and not data.get("station"):
            self.add_error("station", _("Choose the station the material is for."))
        has_content = any(data.get(name) for name in ("url", "file", "slides", "summary"))
        if self.material is not None:
            has_content = has_content or bool(self.material.file or self.material.url)
        if not has_content and not self.errors:
            raise forms.ValidationError(_("Give a link, a file or a summary to read."))
        return data
