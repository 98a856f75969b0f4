"""The 微实事 action's form on the work page (issue #11), apart from ``petitions/forms.py``
(which lists it in ``ACTION_FORMS``) to keep that module short. Same shape as its
``ActionForm``s: built with the petition and the user, ``perform`` calls one workflow
function."""

from django import forms
from django.utils.translation import gettext_lazy as _

from petitions import workflow


class MicroMatterForm(forms.Form):
    action = "micro_matter"
    is_micro_matter = forms.BooleanField(
        label=_("A small matter solved within its grid (微实事)"),
        required=False,
        help_text=_("Counted for the grid of the concern's village or community."),
    )
    # The flag as the page showed it: the compare-and-set refuses a change made meanwhile.
    was = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, petition, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {"is_micro_matter": petition.is_micro_matter, "was": petition.is_micro_matter},
        )
        super().__init__(*args, **kwargs)
        self.petition = petition
        self.user = user

    def perform(self, *, actor):
        return workflow.petition_mark_micro_matter(
            petition=self.petition,
            actor=actor,
            is_micro_matter=self.cleaned_data["is_micro_matter"],
            was=self.cleaned_data["was"],
        )
