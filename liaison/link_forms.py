"""Forms of the five links' pages (liaison/views/links.py): logging a contact, choosing a
quarter. They parse; the rules are in liaison/links.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.links import CONTENT_MAX
from liaison.models import ContactLog, Link, LinkKind


class ContactForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    way = forms.ChoiceField(
        label=_("Way"),
        choices=ContactLog.Way.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    content = forms.CharField(
        label=_("Content"),
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    follow_up = forms.CharField(
        label=_("Follow-up"),
        required=False,
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())


class LeaderContactForm(ContactForm):
    """A leader's form: which of their own current links the contact was made on."""

    field_order = ["link"]
    link = forms.ModelChoiceField(
        Link.objects.none(),
        label=_("Link"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, links, leader, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link"].queryset = links

        def label(link):
            other = link.to_end if link.from_leader_id == leader.pk else link.from_end
            return f"{link.get_kind_display()}: {other}"

        self.fields["link"].label_from_instance = label


class QuarterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, str(q)) for q in (1, 2, 3, 4)]
    )


class KindFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("all kinds")), *LinkKind.choices[:4]],
    )
