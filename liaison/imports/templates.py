"""The empty template of a table: a sheet with the header row to fill in, and a sheet of
notes that explains each column in Chinese, with an example value."""

import tablib
from django.utils.translation import gettext as _

from liaison.imports.base import CountyResource
from liaison.imports.widgets import ChoiceWidget, YesNoWidget
from liaison.models import StationMembership


def _labels(choices) -> str:
    return "、".join(str(c.label) for c in choices)


def template_workbook(resource: CountyResource) -> bytes:
    """The XLSX bytes of ``resource``'s empty template."""
    import_fields = [(name, resource.fields[name]) for name in resource.get_import_order()]
    # The data sheet holds the header row only, so nothing but what staff type is imported.
    data = tablib.Dataset(headers=[str(f.column_name) for _n, f in import_fields])
    data.title = _("data")
    notes = tablib.Dataset(headers=[_("column"), _("how to fill it in"), _("example")])
    notes.title = _("notes")
    for name, field in import_fields:
        widget = field.widget
        choices = _labels(widget.choices) if isinstance(widget, ChoiceWidget) else ""
        note = str(resource.notes.get(name, "")) % {
            "choices": choices,
            "roles": _labels(StationMembership.Role),
        }
        example = resource.example.get(name)
        if example is None:
            shown = ""
        elif isinstance(widget, (ChoiceWidget, YesNoWidget)):
            shown = widget.render(example)
        else:
            shown = str(example)
        notes.append([str(field.column_name), note, shown])
    notes.append(["", "", ""])
    notes.append(
        [
            _("order"),
            _(
                "Import the tables in this order: towns, handling units, villages, stations, "
                "representatives. Each names rows of the ones before it."
            ),
            "",
        ]
    )
    notes.append(
        [
            _("again"),
            _(
                "Importing a file again updates the rows that changed and skips the rest; rows "
                "are found by name (a village by town and name, a representative by name and "
                "level), so keep names as they are."
            ),
            "",
        ]
    )
    return tablib.Databook([data, notes]).export("xlsx")
