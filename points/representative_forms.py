"""Forms a representative fills in on "My points": a claim and an appeal.

They only parse and validate; ``points/services/`` decides whether the claim or the appeal
may be made, and records it.
"""

import re

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from petitions.photos import PhotoRejected, clean_photo
from points import services
from points.models import PointRule

# A claim of many items at once is almost always a typing slip; staff enter bulk ones.
MAX_QUANTITY = services.MAX_ITEMS_PER_CLAIM
# A PDF starts with its version header and ends with an end-of-file marker (ISO 32000-1,
# 7.5.2 and 7.5.5); trailing whitespace or a short junk tail after it is tolerated.
PDF_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")
PDF_TAIL_BYTES = 1024


def is_pdf(data: bytes) -> bool:
    """True if ``data`` looks like a PDF by its content, whatever the file was called."""
    return bool(PDF_HEADER.match(data)) and b"%%EOF" in data[-PDF_TAIL_BYTES:]


def clean_evidence(data: bytes) -> ContentFile:
    """A PDF as it is, or a photo re-encoded without its metadata (GPS included); anything
    else is refused with a message for the user."""
    if is_pdf(data):
        return ContentFile(data, name="evidence.pdf")
    try:
        return ContentFile(clean_photo(data), name="evidence.jpg")
    except PhotoRejected:
        raise forms.ValidationError(
            _("Attach a photo (JPEG, PNG or WebP) or a PDF document."), code="type"
        ) from None


class ClaimForm(forms.Form):
    rule = forms.ChoiceField(
        label=_("Item"),
        error_messages={
            # Shown for a rule the system or staff count (attendance, duty days, concerns).
            "invalid_choice": _(
                "This item cannot be claimed; it is counted by the system or by staff."
            )
        },
    )
    on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=MAX_QUANTITY,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"max_value": services.QUANTITY_TOO_LARGE},
    )
    description = forms.CharField(
        label=_("What you did"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("A photo or a PDF document, at most %(mb)d MB.")
        % {"mb": settings.POINTS_EVIDENCE_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def __init__(self, *args, year: int, rules: list[PointRule], **kwargs):
        """``rules``: the claimable rules in force in ``year``, the year the page shows."""
        super().__init__(*args, **kwargs)
        self.year = year
        self.rules = {rule.code: rule for rule in rules}
        self.fields["rule"].choices = [("", "---------")] + [
            (rule.code, rule.name) for rule in rules
        ]

    def clean_on(self):
        on = self.cleaned_data["on"]
        # Checked before the item: no rule is in force in the year 1, and a date out of range
        # must be answered about the date, not the item.
        try:
            services.check_claim_date(on)
        except services.PointsError as error:
            raise forms.ValidationError(error.message, code="date") from None
        return on

    def clean_description(self):
        # Zero-width and other invisible characters alone are no description.
        description = services.visible_text(self.cleaned_data["description"])
        if not description:
            raise forms.ValidationError(self.fields["description"].error_messages["required"])
        return description

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        if upload.size > settings.POINTS_EVIDENCE_MAX_BYTES:
            # Refused before a byte is read into memory.
            raise forms.ValidationError(
                _("The evidence may be at most %(mb)d MB.")
                % {"mb": settings.POINTS_EVIDENCE_MAX_BYTES // (1024 * 1024)},
                code="size",
            )
        return clean_evidence(upload.read())

    def clean(self):
        data = super().clean()
        code, on = data.get("rule"), data.get("on")
        if code and on:
            # An item is counted under the rule in force in its own year: a claim dated last
            # December on this year's page takes last year's row of the same item.
            rule = self.rules[code] if on.year == self.year else services.rule_for(code, on.year)
            if rule is None:
                self.add_error("rule", self.fields["rule"].error_messages["invalid_choice"])
            else:
                data["rule"] = rule
        return data


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why this item should count"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )

    def clean_text(self):
        text = services.visible_text(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(self.fields["text"].error_messages["required"])
        return text
