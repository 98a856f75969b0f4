"""The form that takes a year's holidays from the State Council's notice in one go."""

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions.calendar import HolidayRange, check_year
from petitions.errors import WorkflowError

# Commas, Chinese commas, semicolons, whitespace: however the notice's dates were typed.
SEPARATORS = re.compile(r"[,，;；、\s]+")


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise forms.ValidationError(
            _("“%(text)s” is not a date: write it as 2027-10-01."), params={"text": text}
        ) from None


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=_("Holidays"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One holiday a line: its name, first day and last day, e.g. "
            "“国庆节, 2027-10-01, 2027-10-07”."
        ),
    )
    workdays = forms.CharField(
        label=_("Make-up working days (调休上班)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("The weekend days worked instead, separated by commas or spaces."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("year", timezone.localdate().year + 1)

    def clean_holidays(self):
        ranges = []
        for line in self.cleaned_data["holidays"].splitlines():
            if not line.strip():
                continue
            parts = [p for p in SEPARATORS.split(line.strip()) if p]
            if len(parts) != 3:
                raise forms.ValidationError(
                    _("“%(line)s”: write a name, a first day and a last day."),
                    params={"line": line.strip()},
                )
            ranges.append(
                HolidayRange(name=parts[0], first=_parse_date(parts[1]), last=_parse_date(parts[2]))
            )
        return ranges

    def clean_workdays(self):
        return [_parse_date(p) for p in SEPARATORS.split(self.cleaned_data["workdays"]) if p]

    def clean(self):
        data = super().clean()
        if {"year", "holidays", "workdays"} <= data.keys():
            try:
                check_year(year=data["year"], holidays=data["holidays"], workdays=data["workdays"])
            except WorkflowError as error:
                raise forms.ValidationError(str(error)) from None
        return data
