"""Cells <-> values: text, numbers, 是/否, choices by their Chinese label, rows named by
name. A cell that cannot be read raises ValueError with a Chinese message, which the
resource reports as that column's error."""

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import widgets

from liaison.models import Village
from liaison.privacy import mask_phone


def _text(value) -> str:
    """A cell as text: numbers typed into Excel (a phone, an order) lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)


class OptionalTextWidget(TextWidget):
    """A blank cell leaves the value as it is (with ``saves_null_values=False``)."""

    def clean(self, value, row=None, **kwargs):
        return _text(value) or None


class PhoneWidget(TextWidget):
    """A representative's private mobile: written out in full only for a viewer allowed to
    see it (``liaison.privacy``), masked otherwise (the import preview included)."""

    def __init__(self, *, full: bool = False):
        super().__init__()
        self.full = full

    def clean(self, value, row=None, **kwargs):
        return re.sub(r"[\s-]", "", _text(value))

    def render(self, value, obj=None, **kwargs):
        return (value or "") if self.full else mask_phone(value or "")


class IntegerWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(_("Write a whole number, not “%(value)s”.") % {"value": text})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class YesNoWidget(widgets.Widget):
    YES = {"是", "1", "true", "yes", "y", "√"}
    NO = {"否", "0", "false", "no", "n", "×"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if not text:
            return None
        if text in self.YES or text == gettext("Yes").lower():
            return True
        if text in self.NO or text == gettext("No").lower():
            return False
        raise ValueError(_("Write 是 or 否, not “%(value)s”.") % {"value": _text(value)})

    def render(self, value, obj=None, **kwargs):
        return gettext("Yes") if value else gettext("No")


class ChoiceWidget(widgets.Widget):
    """A choice written as its Chinese label (the code is accepted too)."""

    def __init__(self, choices, what):
        super().__init__()
        self.choices = choices
        self.what = what

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return ""
        for choice in self.choices:
            if text in (choice.value, str(choice.label)):
                return choice.value
        raise ValueError(
            _("Unknown %(what)s “%(value)s”: write one of %(choices)s.")
            % {
                "what": self.what,
                "value": text,
                "choices": "、".join(str(c.label) for c in self.choices),
            }
        )

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        try:
            return str(self.choices(value).label)
        except ValueError:
            return value  # a code no longer offered: written as it is, refused on import


class ByNameWidget(widgets.Widget):
    """A town, station or unit named in a cell; it must exist (an earlier file brings it)."""

    def __init__(self, model, what, *, first, required=False):
        super().__init__()
        self.model = model
        self.what = what
        self.first = first
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            if self.required:
                raise ValueError(_("Required: write the %(what)s's name.") % {"what": self.what})
            return None
        found = list(self.model.objects.filter(name=text)[:2])
        if not found:
            raise ValueError(
                _("There is no %(what)s named “%(value)s”: import %(first)s first.")
                % {"what": self.what, "value": text, "first": self.first}
            )
        if len(found) > 1:
            raise ValueError(
                _("Several %(what)s are named “%(value)s”: rename them first.")
                % {"what": self.what, "value": text}
            )
        return found[0]

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


class VillageWidget(widgets.Widget):
    """A village named in a cell, looked up in the town the same row names."""

    def __init__(self, town_column):
        super().__init__()
        self.town_column = town_column

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        town = _text((row or {}).get(str(self.town_column)))
        village = Village.objects.filter(town__name=town, name=text).first()
        if village is None:
            raise ValueError(
                _("%(town)s has no village or community named “%(value)s”: import villages first.")
                % {"town": town, "value": text}
            )
        return village

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""
