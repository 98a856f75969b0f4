"""Who did something, named in the administration's lists and read-only fields: by name
(liaison.roles.display_name), never by login, which only the user pages show."""

from django.contrib import admin

from liaison.roles import display_name


def person_column(model, field_name: str):
    """A column or read-only field for the user in ``model``'s ``field_name``, under that
    field's own title. Lists select ``<field_name>__representative`` with it, so that naming
    a representative costs no query per row."""
    field = model._meta.get_field(field_name)

    @admin.display(description=field.verbose_name, ordering=field_name)
    def column(self, obj):
        user = getattr(obj, field_name)
        return display_name(user) if user is not None else None

    column.__name__ = f"{field_name}_name"
    return column
