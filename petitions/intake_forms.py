"""Staff intake (issue 9): a concern that reached county, town or station staff by phone,
letter, the petition hall, the 12345 hotline or a congress activity, typed in by them.

What the form offers follows the user's scope: town staff choose among their town's stations,
villages and representatives, station staff their own station. Photos pass the citizens' own
check (``petitions/photos.py``); a scanned letter must be a PDF by its content, not its name.
"""

import re
import uuid
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.forms import MobileField
from liaison.models import Activity, Representative, Station, Town, Village
from liaison.roles import roles_for
from petitions.models import Category, Petition
from petitions.photos import clean_photo_uploads

INTAKE_CHANNELS = [
    Petition.Channel.PHONE,
    Petition.Channel.LETTER,
    Petition.Channel.PETITION_HALL,
    Petition.Channel.ACTIVITY,
    Petition.Channel.HOTLINE,
]
PHOTO_FIELDS = ["photo1", "photo2", "photo3"]
LETTER_FIELDS = ["letter1", "letter2"]
# Activities offered: those of the last half year (a concern raised at one is entered soon).
ACTIVITY_DAYS = 183
# A scanned letter of more pages than this is not a letter.
LETTER_MAX_PAGES = 100

_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


class LetterRejected(ValueError):
    """The upload is not an acceptable scanned letter; the message says why."""


def check_pdf(data: bytes) -> int:
    """The page count of ``data`` if it is a plausible PDF, else LetterRejected.

    No PDF parser is among the requirements, so the check is the file's own structure: the
    ``%PDF-`` header, the ``%%EOF`` trailer near the end, and between 1 and
    ``LETTER_MAX_PAGES`` page objects. A renamed photo, a Word file or a truncated upload
    fails one of them."""
    if len(data) > settings.PETITION_ATTACHMENT_MAX_BYTES:
        raise LetterRejected(
            _("Each scanned letter may be at most %(mb)d MB.")
            % {"mb": settings.PETITION_ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    not_pdf = LetterRejected(_("This file is not a PDF: scan the letter as a PDF or a photo."))
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise not_pdf
    pages = len(_PAGE.findall(data))
    if not 1 <= pages <= LETTER_MAX_PAGES:
        raise not_pdf
    return pages


def _scope(user):
    """(stations, representatives, villages, town, own station) the user may enter a concern
    for: all for county staff, their town's for town staff, their station's for station
    staff."""
    roles = roles_for(user)
    stations = Station.objects.filter(is_active=True).select_related("town")
    reps = Representative.objects.filter(is_active=True)
    villages = Village.objects.select_related("town")
    town = own_station = None
    if roles.county:
        pass
    elif roles.town_id is not None:
        town = Town.objects.get(pk=roles.town_id)
        stations = stations.filter(town_id=roles.town_id)
        reps = reps.filter(memberships__station__town_id=roles.town_id)
        villages = villages.filter(town_id=roles.town_id)
    else:
        own_station = Station.objects.select_related("town").get(pk=roles.station_id)
        town = own_station.town
        stations = stations.filter(pk=own_station.pk)
        reps = reps.filter(memberships__station_id=own_station.pk)
        villages = villages.filter(town_id=own_station.town_id)
    return stations, reps.distinct().order_by("name"), villages, town, own_station


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        choices=[(c.value, c.label) for c in INTAKE_CHANNELS],
        error_messages={"required": gettext_lazy("Choose how the concern reached you.")},
    )
    received_on = forms.DateField(
        label=gettext_lazy("Date received"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Enter the date the concern reached you."),
            "invalid": gettext_lazy("Enter a date such as 2026-03-15."),
        },
    )
    source_activity = forms.ModelChoiceField(
        Activity.objects.none(),
        label=gettext_lazy("Activity it came from"),
        required=False,
        empty_label=gettext_lazy("(not from an activity)"),
    )
    # 现场办理 (issue #14): the official present answered the concern at the activity itself.
    handled_on_the_spot = forms.BooleanField(
        label=gettext_lazy("Handled on the spot (现场办理)"),
        required=False,
        help_text=gettext_lazy("The official present answered it at the activity itself."),
    )
    station = forms.ModelChoiceField(
        Station.objects.none(),
        label=gettext_lazy("Station it concerns"),
        required=False,
        empty_label=gettext_lazy("(none)"),
    )
    representative = forms.ModelChoiceField(
        Representative.objects.none(),
        label=gettext_lazy("Representative it concerns"),
        required=False,
        empty_label=gettext_lazy("(none)"),
    )
    category = forms.ModelChoiceField(
        Category.objects.filter(is_active=True),
        label=gettext_lazy("Category"),
        required=False,
        empty_label=gettext_lazy("(not classified yet)"),
    )
    text = forms.CharField(
        label=gettext_lazy("The concern"),
        min_length=settings.PETITION_TEXT_MIN,
        max_length=settings.PETITION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": gettext_lazy("Write down the concern.")},
    )
    village = forms.ModelChoiceField(
        Village.objects.none(),
        label=gettext_lazy("Village or community"),
        required=False,
        empty_label=gettext_lazy("Not known"),
    )
    citizen_name = forms.CharField(
        label=gettext_lazy("Citizen's name"),
        required=False,
        max_length=30,
        error_messages={
            "max_length": gettext_lazy("A name of at most %(limit_value)d characters, please.")
        },
    )
    citizen_phone = MobileField(
        label=gettext_lazy("Citizen's mobile"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "maxlength": 20}),
    )
    consent = forms.BooleanField(
        label=gettext_lazy("The citizen agreed to be contacted about this concern"),
        required=False,
        help_text=gettext_lazy("Needed to keep the mobile number."),
    )
    submit_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        stations, reps, villages, self.town, self.own_station = _scope(user)
        self.fields["station"].queryset = stations
        self.fields["representative"].queryset = reps
        self.fields["village"].queryset = villages
        today = timezone.localdate()
        self.fields["source_activity"].queryset = Activity.objects.filter(
            is_cancelled=False, date__lte=today, date__gte=today - timedelta(days=ACTIVITY_DAYS)
        ).order_by("-date", "pk")
        self.fields["text"].error_messages["min_length"] = self.fields["text"].error_messages[
            "max_length"
        ] = _("Write the concern in %(min)d to %(max)d characters.") % {
            "min": settings.PETITION_TEXT_MIN,
            "max": settings.PETITION_TEXT_MAX,
        }
        self.fields["received_on"].widget.attrs["max"] = today.isoformat()
        for name in PHOTO_FIELDS:
            self.fields[name] = forms.FileField(
                label=_("Photo"),
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
            )
        for name in LETTER_FIELDS:
            self.fields[name] = forms.FileField(
                label=_("Scanned letter (PDF)"),
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
            )
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs["class"] = "form-control"
        if not self.is_bound:
            self.initial.setdefault("received_on", today)
            self.initial["submit_key"] = uuid.uuid4()

    @property
    def photo_fields(self):
        return [self[name] for name in PHOTO_FIELDS]

    @property
    def letter_fields(self):
        return [self[name] for name in LETTER_FIELDS]

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("The date received cannot be in the future."), code="future"
            )
        return day

    def clean(self):
        data = super().clean()
        if data.get("channel") == Petition.Channel.ACTIVITY:
            if not data.get("source_activity"):
                self.add_error("source_activity", _("Choose the activity it was raised at."))
        elif data.get("channel") == Petition.Channel.PETITION_HALL and data.get("source_activity"):
            # 信访+法律咨询 (issue #11): a concern brought to the monthly joint reception at the
            # petition hall names that reception; no other activity sits at the hall.
            if data["source_activity"].kind != Activity.Kind.JOINT_RECEPTION:
                self.add_error(
                    "source_activity",
                    _("At the petition hall, choose only a joint reception (or none)."),
                )
        elif data.get("source_activity"):
            self.add_error(
                "source_activity",
                _("Choose an activity only for a concern raised at a congress activity."),
            )
        if data.get("handled_on_the_spot") and not data.get("source_activity"):
            self.add_error(
                "handled_on_the_spot",
                _("Only a concern raised at an activity can be handled on the spot there."),
            )
        if (self.data.get("citizen_phone") or "").strip() and not data.get("consent"):
            self.add_error(
                "consent",
                _(
                    "The mobile is kept only if the citizen agreed to be contacted: tick the box "
                    "or leave the mobile out."
                ),
            )
        data["photos"] = clean_photo_uploads(self, PHOTO_FIELDS)
        letters = []
        for name in LETTER_FIELDS:
            upload = data.get(name)
            if not upload:
                continue
            if upload.size > settings.PETITION_ATTACHMENT_MAX_BYTES:
                self.add_error(
                    name,
                    _("Each scanned letter may be at most %(mb)d MB.")
                    % {"mb": settings.PETITION_ATTACHMENT_MAX_BYTES // (1024 * 1024)},
                )
                continue
            content = upload.read()
            try:
                pages = check_pdf(content)
            except LetterRejected as error:
                self.add_error(name, str(error))
            else:
                letters.append((upload.name, content, pages))
        data["letters"] = letters
        return data

    def receive_arguments(self) -> dict:
        """The cleaned form as ``services.petition_receive``'s arguments."""
        d = self.cleaned_data
        # Station staff enter for their own station (the one choice they are offered).
        station, village = d["station"] or self.own_station, d["village"]
        # The concern stays within the staff's own scope, so they see what they entered.
        town = village.town if village else station.town if station else self.town
        if self.town is not None:
            town = self.town
        return {
            "channel": d["channel"],
            "text": d["text"],
            "received_on": d["received_on"],
            "representative": d["representative"],
            "station": station,
            "category": d["category"],
            "village": village,
            "town": town,
            "citizen_name": d["citizen_name"].strip(),
            "citizen_phone": d["citizen_phone"] if d["consent"] else "",
            "consent": d["consent"],
            "submit_key": d["submit_key"],
            "photos": d["photos"],
            "letters": d["letters"],
            "source_activity": d["source_activity"],
            "handled_on_the_spot": d["handled_on_the_spot"],
        }
