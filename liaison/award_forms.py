"""The awards' form: the year's amount per star level (以奖代补, issue #14)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from liaison.awards import MAX_AMOUNT, STAR_LEVELS


class AwardAmountsForm(forms.Form):
    """One amount per star level, 5 to 1; an empty field leaves (or makes) the level unset."""

    def __init__(self, *args, amounts: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for stars in STAR_LEVELS:
            self.fields[f"stars_{stars}"] = forms.DecimalField(
                label=_("%(stars)s stars") % {"stars": stars},
                required=False,
                min_value=0,
                # max_value bounds the whole digits: no max_digits, whose own message would
                # repeat "at most … yuan" under the field.
                max_value=MAX_AMOUNT,
                decimal_places=2,
                initial=amounts.get(stars),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                error_messages={
                    "invalid": _("Enter an amount in yuan, such as 3000 or 2500.50."),
                    "min_value": _("An amount cannot be negative."),
                    "max_value": _("At most %(limit_value)s yuan."),
                    "max_decimal_places": _("At most two decimal places (fen)."),
                },
            )

    def rows(self):
        return [(stars, self[f"stars_{stars}"]) for stars in STAR_LEVELS]

    def amounts(self) -> dict:
        if not self.is_valid():
            raise ValidationError(_("Please correct the errors below."))
        return {stars: self.cleaned_data[f"stars_{stars}"] for stars in STAR_LEVELS}
