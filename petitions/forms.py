"""Forms of the work pages: one per workflow action. Each form's ``perform`` calls the one
workflow function of its action; the view only checks access and shows the result."""

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import F, Min
from django.utils.translation import gettext_lazy as _

from liaison.models import HandlingUnit, Representative, Town, Village
from petitions import escalation, photos, workflow
from petitions.access import petitions_for_user
from petitions.grid_forms import MicroMatterForm
from petitions.models import MAX_EXTENSION_DAYS, Category, Petition, Survey

ATTACHMENT_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".ofd"}
# The attachments a unit may show the citizen: images (re-encoded) and PDF files.
PUBLIC_IMAGE_TYPES = {".jpg", ".jpeg", ".png"}


class ActionForm(forms.Form):
    action = ""

    def __init__(self, *args, petition: Petition, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        self.user = user

    def perform(self, *, actor):  # pragma: no cover - every subclass defines it
        raise NotImplementedError


class _CategorySelect(forms.Select):
    """Marks the accusations' options (``data-accusation``): static/js/accused-choices.js
    shows the accused choices only for them. No extra query: each option has its row."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        category = getattr(value, "instance", None)
        if category is not None and category.is_accusation:
            option["attrs"]["data-accusation"] = "1"
        return option


class _GroupedChoices(forms.models.ModelChoiceIterator):
    """The field's rows in ``<optgroup>``s: a list of ~150 representatives is unusable
    without them. ``field.group_of(row)`` names a row's group; groups keep the order in
    which the queryset first meets them."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for row in self.queryset:
            groups.setdefault(self.field.group_of(row), []).append(self.choice(row))
        yield from groups.items()


class _GroupedModelChoiceField(forms.ModelChoiceField):
    iterator = _GroupedChoices

    def __init__(self, *args, group_of, **kwargs):
        super().__init__(*args, **kwargs)
        self.group_of = group_of


def _unit_group(unit: HandlingUnit) -> str:
    return str(unit.get_kind_display())


def _representative_group(rep: Representative) -> str:
    return rep.town_name or str(_("No station"))


# The accused choices: a text box the script adds above each filters its options; without
# the script they are plain grouped lists.
ACCUSED_ATTRS = {"data-accused": "1", "data-filter": _("Type to filter the list")}


class CollectForm(ActionForm):
    action = "collect"
    # Citizens may leave the kind to the collector (码上说 in three taps): here it is chosen.
    category = forms.ModelChoiceField(
        Category.objects.filter(is_active=True),
        label=_("Category"),
        widget=_CategorySelect,
        error_messages={"required": _("Choose the kind of concern.")},
    )
    # No default: a preselected level was taken by whoever did not look, and 分级交办 sends
    # the concern to the town or the county by it.
    level = forms.ChoiceField(
        choices=[("", _("Choose…")), *Petition.Level.choices],
        label=_("Level"),
        error_messages={"required": _("Choose town level or county level.")},
    )
    town = forms.ModelChoiceField(Town.objects.all(), label=_("Town"))
    village = forms.ModelChoiceField(
        Village.objects.select_related("town"), required=False, label=_("Village or community")
    )
    # 检举控告 (信访工作条例 Art. 30): whom the accusation accuses never sees it. Both are
    # optional, even for an accusation: it may report a matter without knowing who is
    # behind it, and a collector must not be made to guess a name.
    accused_unit = _GroupedModelChoiceField(
        HandlingUnit.objects.filter(is_active=True).order_by("kind", "name", "pk"),
        group_of=_unit_group,
        required=False,
        label=_("Accused unit"),
        widget=forms.Select(attrs=ACCUSED_ATTRS),
        help_text=_("Accusations only. The unit never sees the concern and is never assigned it."),
    )
    accused_representative = _GroupedModelChoiceField(
        # Grouped by the town of their station (the first by name, if they sit at several).
        Representative.objects.filter(is_active=True)
        .annotate(town_name=Min("memberships__station__town__name"))
        .order_by(F("town_name").asc(nulls_last=True), "name", "pk"),
        group_of=_representative_group,
        required=False,
        label=_("Accused representative"),
        widget=forms.Select(attrs=ACCUSED_ATTRS),
        help_text=_("Accusations only. The representative never sees the concern."),
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Note")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        p = self.petition
        self.initial.setdefault("category", p.category_id)
        self.initial.setdefault("town", p.town_id)
        self.initial.setdefault("village", p.village_id)
        self.initial.setdefault("level", p.level)
        self.initial.setdefault("accused_unit", p.accused_unit_id)
        self.initial.setdefault("accused_representative", p.accused_representative_id)

    def clean(self):
        data = super().clean()
        village, town = data.get("village"), data.get("town")
        if village and town and village.town_id != town.pk:
            self.add_error("village", _("This village is not in the chosen town."))
        category = data.get("category")
        if category is not None and not category.is_accusation:
            # Checked here too, not only by the script that hides the choices: a page
            # without it, or an old one, still sends them.
            for name in ("accused_unit", "accused_representative"):
                if data.get(name) is not None:
                    self.add_error(
                        name,
                        _(
                            "Only an accusation names an accused unit or representative: "
                            "choose an accusation category, or leave this empty."
                        ),
                    )
        return data

    def perform(self, *, actor):
        d = self.cleaned_data
        return workflow.petition_collect(
            petition=self.petition,
            actor=actor,
            category=d["category"],
            level=d["level"],
            town=d["town"],
            village=d["village"],
            note=d["note"],
            accused_unit=d["accused_unit"],
            accused_representative=d["accused_representative"],
        )


class RejectForm(ActionForm):
    action = "reject"
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"), max_length=1000
    )
    guidance = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Guidance for the citizen"),
        max_length=1000,
        help_text=_("Where the citizen can turn instead. Shown on the tracking page."),
    )

    def perform(self, *, actor):
        return workflow.petition_reject(
            petition=self.petition,
            actor=actor,
            reason=self.cleaned_data["reason"],
            guidance=self.cleaned_data["guidance"],
        )


class MergeForm(ActionForm):
    action = "merge"
    into = forms.CharField(label=_("Tracking number of the common issue"), max_length=20)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Note")
    )

    def clean_into(self):
        number = self.cleaned_data["into"].strip().upper()
        target = petitions_for_user(self.user).filter(tracking_no=number).first()
        if target is None:
            raise forms.ValidationError(_("No concern with this tracking number is in your scope."))
        return target

    def perform(self, *, actor):
        return workflow.petition_merge(
            petition=self.petition,
            actor=actor,
            into=self.cleaned_data["into"],
            note=self.cleaned_data["note"],
        )


class AssignForm(ActionForm):
    action = "assign"
    unit = forms.ModelChoiceField(
        HandlingUnit.objects.filter(is_active=True), label=_("Handling unit")
    )
    deadline = forms.DateField(
        required=False,
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the standard limit of %(days)d days.")
        % {"days": settings.PETITION_HANDLE_DAYS},
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Instructions")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        qs = HandlingUnit.objects.filter(is_active=True).select_related("town")
        if self.petition.accused_unit_id:
            qs = qs.exclude(pk=self.petition.accused_unit_id)
        self.fields["unit"].queryset = qs

    def clean(self):
        data = super().clean()
        accused = self.petition.accused_unit_id
        if accused and "unit" in self.errors and self.data.get("unit") == str(accused):
            # Not offered, yet sent (an old page, a crafted form): say why, not just "invalid".
            self.errors["unit"] = self.error_class(
                [_("An accusation may never be assigned to the unit it accuses.")]
            )
        return data

    def perform(self, *, actor):
        d = self.cleaned_data
        return workflow.petition_assign(
            petition=self.petition,
            actor=actor,
            unit=d["unit"],
            deadline=d["deadline"],
            note=d["note"],
        )


class AcceptForm(ActionForm):
    action = "accept"

    def perform(self, *, actor):
        return workflow.petition_accept(petition=self.petition, actor=actor)


class ReturnForm(ActionForm):
    action = "return"
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Why the assignment is wrong"),
        max_length=1000,
    )

    def perform(self, *, actor):
        return workflow.petition_return(
            petition=self.petition, actor=actor, reason=self.cleaned_data["reason"]
        )


class NoteForm(ActionForm):
    action = "note"
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("Note"), max_length=2000
    )

    def perform(self, *, actor):
        return workflow.petition_add_note(
            petition=self.petition, actor=actor, note=self.cleaned_data["note"]
        )


class RemindForm(ActionForm):
    action = "remind"
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=_("Message to the unit"),
        max_length=1000,
    )

    def perform(self, *, actor):
        return workflow.petition_remind(
            petition=self.petition, actor=actor, note=self.cleaned_data["note"]
        )


class ReplyForm(ActionForm):
    action = "reply"
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Reply"),
        max_length=2000,
        help_text=_("The citizen reads this on the tracking page."),
    )

    def perform(self, *, actor):
        return workflow.petition_reply(
            petition=self.petition, actor=actor, text=self.cleaned_data["text"]
        )


class ReportForm(ActionForm):
    action = "report"
    result = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label=_("Result"), max_length=4000
    )
    outcome = forms.ChoiceField(choices=Petition.Outcome.choices, label=_("Closing outcome"))
    attachment1 = forms.FileField(required=False, label=_("Attachment"))
    public1 = forms.BooleanField(required=False, label=_("Show it to the citizen"))
    attachment2 = forms.FileField(required=False, label=_("Attachment"))
    public2 = forms.BooleanField(required=False, label=_("Show it to the citizen"))
    attachment3 = forms.FileField(required=False, label=_("Attachment"))
    public3 = forms.BooleanField(
        required=False,
        label=_("Show it to the citizen"),
        help_text=_(
            "Shown on the citizen's tracking page: a photo (JPEG or PNG, re-encoded without "
            "its metadata) or a PDF. Unticked attachments are seen by staff only."
        ),
    )

    def clean(self):
        data = super().clean()
        files, public = [], []
        for number in (1, 2, 3):
            name = f"attachment{number}"
            upload = data.get(name)
            if not upload:
                continue
            ext = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            if ext not in ATTACHMENT_TYPES:
                self.add_error(name, _("Attach PDF, OFD, Word, Excel, JPEG or PNG files only."))
            elif upload.size > settings.PETITION_ATTACHMENT_MAX_BYTES:
                self.add_error(
                    name,
                    _("Each attachment may be at most %(mb)d MB.")
                    % {"mb": settings.PETITION_ATTACHMENT_MAX_BYTES // (1024 * 1024)},
                )
            elif not data.get(f"public{number}"):
                files.append(upload)
            elif ext in PUBLIC_IMAGE_TYPES:
                # What the citizen sees passes the citizens' own photo check: decoded,
                # re-encoded, no EXIF or GPS left in it.
                try:
                    clean = photos.clean_photo(upload.read())
                except photos.PhotoRejected as error:
                    self.add_error(name, str(error))
                else:
                    stem = upload.name.rsplit(".", 1)[0][:100]
                    public.append(ContentFile(clean, name=f"{stem}.jpg"))
            elif ext == ".pdf":
                public.append(upload)
            else:
                self.add_error(
                    name, _("Only a JPEG or PNG photo or a PDF can be shown to the citizen.")
                )
        data["attachments"] = files
        data["public_attachments"] = public
        return data

    def perform(self, *, actor):
        d = self.cleaned_data
        return workflow.petition_report(
            petition=self.petition,
            actor=actor,
            result=d["result"],
            outcome=d["outcome"],
            attachments=d["attachments"],
            public_attachments=d["public_attachments"],
        )


class RecordSurveyForm(ActionForm):
    action = "record_survey"
    rating = forms.ChoiceField(
        choices=Survey.Rating.choices, widget=forms.RadioSelect, label=_("The citizen's rating")
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=_("What the citizen said"),
        max_length=1000,
    )

    def perform(self, *, actor):
        return workflow.petition_survey(
            petition=self.petition,
            actor=actor,
            rating=self.cleaned_data["rating"],
            comment=self.cleaned_data["comment"],
        )


class CloseForm(ActionForm):
    action = "close"
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Why close without a rating"),
        max_length=1000,
    )

    def perform(self, *, actor):
        return workflow.petition_close(
            petition=self.petition, actor=actor, note=self.cleaned_data["note"]
        )


# --- more time and 督办 (petitions/escalation.py) ------------------------------------------


def _reason(label, *, required=True):
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=label, max_length=1000, required=required
    )


class RequestExtensionForm(ActionForm):
    action = "request_extension"
    days = forms.IntegerField(
        min_value=1,
        max_value=MAX_EXTENSION_DAYS,
        label=_("Extra days"),
        help_text=_("Asked once only, at most 30 days; county staff decide."),
    )
    reason = _reason(_("Why more time is needed"))

    def perform(self, *, actor):
        return escalation.petition_request_extension(
            petition=self.petition,
            actor=actor,
            days=self.cleaned_data["days"],
            reason=self.cleaned_data["reason"],
        )


class ApproveExtensionForm(ActionForm):
    action = "approve_extension"
    days = forms.IntegerField(min_value=1, max_value=MAX_EXTENSION_DAYS, label=_("Days granted"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        asked = self.petition.extension_requested_days
        if asked:
            self.fields["days"].max_value = asked
            self.fields["days"].widget.attrs["max"] = asked
            self.fields["days"].help_text = _("The unit asked for %(days)d days: %(reason)s") % {
                "days": asked,
                "reason": self.petition.extension_reason,
            }
            self.initial.setdefault("days", asked)

    def perform(self, *, actor):
        return escalation.petition_approve_extension(
            petition=self.petition,
            actor=actor,
            days=self.cleaned_data["days"],
        )


class RefuseExtensionForm(ActionForm):
    action = "refuse_extension"
    reason = _reason(_("Why the extension is refused"))

    def perform(self, *, actor):
        return escalation.petition_refuse_extension(
            petition=self.petition, actor=actor, reason=self.cleaned_data["reason"]
        )


class UrgeForm(ActionForm):
    action = "urge"
    note = _reason(_("Message to the unit"), required=False)

    def perform(self, *, actor):
        return escalation.petition_urge(
            petition=self.petition, actor=actor, note=self.cleaned_data["note"]
        )


class InterviewForm(ActionForm):
    action = "interview"
    on = forms.DateField(label=_("Interview date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = _reason(_("Who is interviewed, and why"))

    def perform(self, *, actor):
        return escalation.petition_interview(
            petition=self.petition,
            actor=actor,
            on=self.cleaned_data["on"],
            note=self.cleaned_data["note"],
        )


class PublicNoticeForm(ActionForm):
    action = "public_notice"
    note = _reason(_("What the notice says"))

    def perform(self, *, actor):
        return escalation.petition_public_notice(
            petition=self.petition, actor=actor, note=self.cleaned_data["note"]
        )


class FlagForm(ActionForm):
    action = "flag"
    note = _reason(_("Note"), required=False)

    def perform(self, *, actor):
        return escalation.petition_flag(
            petition=self.petition, actor=actor, note=self.cleaned_data["note"]
        )


class LegalAdviceForm(ActionForm):
    action = "legal_advice"
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label=_("Legal advice"), max_length=2000
    )
    is_public = forms.BooleanField(
        label=_("Show to the citizen"),
        required=False,
        help_text=_("The citizen reads it on the tracking page, signed “legal worker”."),
    )

    def perform(self, *, actor):
        return workflow.petition_legal_advice(
            petition=self.petition,
            actor=actor,
            text=self.cleaned_data["text"],
            is_public=self.cleaned_data["is_public"],
        )


ACTION_FORMS: dict[str, type[ActionForm]] = {
    f.action: f
    for f in [
        CollectForm,
        RejectForm,
        MergeForm,
        AssignForm,
        AcceptForm,
        ReturnForm,
        NoteForm,
        RemindForm,
        ReplyForm,
        RequestExtensionForm,
        ApproveExtensionForm,
        RefuseExtensionForm,
        UrgeForm,
        InterviewForm,
        PublicNoticeForm,
        FlagForm,
        ReportForm,
        RecordSurveyForm,
        CloseForm,
        LegalAdviceForm,
        MicroMatterForm,
    ]
}
assert set(ACTION_FORMS) == set(workflow.ACTIONS), "every workflow action has its form"
