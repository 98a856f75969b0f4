"""How people are shown to each other: by name, never by login (which only the
administration's user pages show). ``display_name`` for code, the ``display_name`` filter
(``{% load people %}``) for templates, ``person_column`` for the administration."""

import re

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext

# Han characters: a Chinese name is written family name first, with no space.
_HAN = re.compile(r"[\u3400-\u9fff]")


def display_name(user) -> str:
    """How a person is shown to everyone else (a concern's history, the audit trails): a
    representative by their name on the roll, anyone else by the name staff gave them in
    the administration. Never their login, which only the administration's user pages show.

    Lists that show many people select ``representative`` with the user, so that this asks
    nothing of the database (a user with no representative is cached as such too). Where
    the user's ``handling_units`` were prefetched too (a concern's history), a unit member
    is named with their unit: 李明（县交通运输局）."""
    if user is None:
        return ""
    try:
        representative = user.representative
    except ObjectDoesNotExist:
        representative = None
    if representative is not None and representative.name:
        return representative.name
    name = _own_name(user)
    units = getattr(user, "_prefetched_objects_cache", {}).get("handling_units")
    if units:
        return f"{name}（{'、'.join(unit.name for unit in units)}）"
    return name


def _own_name(user) -> str:
    first, last = user.first_name.strip(), user.last_name.strip()
    if first and last:
        if _HAN.search(first + last):
            return f"{last}{first}"  # 王 + 建国
        return f"{first} {last}"
    if first or last:
        return first or last
    return gettext("user without a name (no. %(id)s)") % {"id": user.pk}


def person_column(model, field_name: str):
    """An admin column or read-only field for the user in ``model``'s ``field_name``, under
    that field's own title. Lists select ``<field_name>__representative`` with it, so that
    naming a representative costs no query per row."""
    field = model._meta.get_field(field_name)

    @admin.display(description=field.verbose_name, ordering=field_name)
    def column(self, obj):
        user = getattr(obj, field_name)
        return display_name(user) if user is not None else None

    column.__name__ = f"{field_name}_name"
    return column
