from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """One code: 6 digits from the authenticator app or, on the sign-in step, a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        error_messages={"required": _("Type the code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, digits_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if digits_only:
            # Phones then offer the digits keyboard.
            self.fields["code"].widget.attrs.update(inputmode="numeric", pattern="[0-9 ]*")
            self.fields["code"].label = _("6-digit code")
