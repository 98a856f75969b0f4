"""Forms of the citizen pages: posting a concern and rating its result.

Photos are checked and re-encoded here (``photos.clean_photo``), while the form is being
validated: a bad photo makes the whole form invalid before anything is created, so it
leaves no petition and no file behind.
"""

import uuid

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _

from liaison.forms import MobileField
from petitions.models import Category, Survey
from petitions.photos import clean_photo_uploads

PHOTO_FIELDS = [f"photo{i}" for i in range(1, settings.PETITION_MAX_PHOTOS + 1)]


class PhotoUploadLimit(FileUploadHandler):
    """Drops an uploaded file as soon as it passes the photo size limit, and every file
    sent under a name the form does not have, so a 50 MB post never lands on disk whole.

    Put first in ``request.upload_handlers`` before the body is read; ``oversized`` then
    names the fields whose file was dropped for its size, for the form to say so.
    """

    def __init__(self, request=None, *, allowed_fields=()):
        super().__init__(request)
        self.allowed_fields = set(allowed_fields)
        self.oversized: set[str] = set()

    def receive_data_chunk(self, raw_data, start):
        # SkipFile is raised here rather than in new_file(): by now every handler has
        # started this file, so Django closes this file and not the previous one.
        if self.field_name not in self.allowed_fields:
            raise SkipFile
        if start + len(raw_data) > settings.PETITION_PHOTO_MAX_BYTES:
            self.oversized.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) holds the data


def _css_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class ConcernForm(forms.Form):
    """A citizen's concern, posted from a representative's or a station's page.

    Only the text is required: scanned, typed, sent in three taps (码上说). The staff or the
    representative who collects the concern classifies it; a citizen who wants their
    concern treated as an accusation (检举控告) still says so by choosing that kind.
    """

    text = forms.CharField(
        label=_("Your concern"),
        min_length=settings.PETITION_TEXT_MIN,
        max_length=settings.PETITION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Describe your concern."),
            "min_length": _(
                "Please describe your concern in at least %(limit_value)d characters "
                "(you wrote %(show_value)d)."
            ),
            "max_length": _(
                "Please keep your concern within %(limit_value)d characters "
                "(you wrote %(show_value)d)."
            ),
            "null_characters_not_allowed": _(
                "Your concern holds a character that cannot be kept: please type it again."
            ),
        },
    )
    category = forms.ModelChoiceField(
        Category.objects.none(),
        required=False,
        label=_("Kind of concern"),
        empty_label=_("Choose…"),
        help_text=_("Not sure? Leave it: the staff will choose it."),
    )
    village = forms.ModelChoiceField(
        None,
        required=False,
        label=_("Village or community"),
        empty_label=_("Not sure / not listed"),
    )
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=30,
        help_text=_("You may stay anonymous."),
        error_messages={
            "max_length": _("A name of at most %(limit_value)d characters, please."),
            "null_characters_not_allowed": _("The name holds a character that cannot be kept."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = MobileField(
        label=_("Your mobile phone"),
        required=False,
        # No max_length validator: the number's own check bounds it, with its own message
        # (Django's length message would stand beside it); the box still stops at 20.
        error_messages={
            "null_characters_not_allowed": _(
                "Enter a valid mainland China mobile number (11 digits)."
            ),
        },
        help_text=_(
            "Without a number nobody can call you back: only the tracking link you get "
            "after sending will show you the result."
        ),
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "maxlength": 20}
        ),
    )
    # Asked only of a citizen who leaves a name or a mobile: an anonymous concern carries
    # no personal data to consent to (个人信息保护法 Art. 13–14), and skips one tap.
    consent = forms.BooleanField(
        label=_("I have read the notice above and agree."),
        required=False,
        help_text=_("Needed only if you give your name or mobile."),
    )
    # A one-time key drawn with the form: the same form sent twice (a double tap, a
    # refresh of the result page) finds the petition it already made.
    submit_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, villages, oversized=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["text"].help_text = _(
            "What is the problem, where, and since when? %(min)d to %(max)d characters."
        ) % {"min": settings.PETITION_TEXT_MIN, "max": settings.PETITION_TEXT_MAX}
        self.fields["village"].queryset = villages
        for name in PHOTO_FIELDS:
            self.fields[name] = forms.FileField(
                label=_("Photo"),
                required=False,
                widget=forms.FileInput(attrs={"accept": "image/*"}),
            )
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", _css_class(field.widget))
        self.oversized = set(oversized)
        self.key_replaced = False
        if self.is_bound:
            try:
                uuid.UUID(str(self.data.get("submit_key", "")))
            except ValueError:
                # A form without a valid key is refused; its redisplay carries a fresh one.
                self.data = self.data.copy()
                self.data["submit_key"] = str(uuid.uuid4())
                self.key_replaced = True
        else:
            self.initial["submit_key"] = uuid.uuid4()

    @property
    def first_photo(self):
        return self[PHOTO_FIELDS[0]]

    @property
    def more_photos(self):
        """The other photo inputs, one file each: WeChat's picker breaks on ``multiple``."""
        return [self[name] for name in PHOTO_FIELDS[1:]]

    @property
    def more_photos_open(self) -> bool:
        return any(name in self.errors for name in PHOTO_FIELDS[1:])

    @property
    def had_photos(self) -> bool:
        """Whether photos were sent: browsers never refill a file input, so say so."""
        return bool(self.files) or bool(self.oversized)

    def clean(self):
        data = super().clean()
        if self.key_replaced:
            raise forms.ValidationError(
                _("This form has expired. Please check it and send it again.")
            )
        # What was typed, not what was cleaned: a mistyped mobile is still personal data,
        # and the citizen hears of both problems in the same answer.
        gave_personal_data = any(
            str(self.data.get(name, "")).strip() for name in ("name", "mobile")
        )
        if gave_personal_data and not data.get("consent"):
            self.add_error(
                "consent",
                _(
                    "You gave your name or mobile: tick the box to agree to the notice "
                    "above, or leave them empty."
                ),
            )
        data["photos"] = clean_photo_uploads(self, PHOTO_FIELDS, oversized=self.oversized)
        return data


class SurveyForm(forms.Form):
    """The citizen's rating of the reported result (满意度测评)."""

    rating = forms.ChoiceField(
        choices=Survey.Rating.choices,
        widget=forms.RadioSelect,
        label=_("Are you satisfied with the result?"),
        error_messages={"required": _("Choose one of the three answers.")},
    )
    comment = forms.CharField(
        label=_("Anything to add?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", _css_class(field.widget))
