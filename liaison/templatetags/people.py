"""``{{ user|display_name }}``: a person by name, never by login (liaison.roles)."""

from django import template

from liaison import roles

register = template.Library()


@register.filter
def display_name(user) -> str:
    return roles.display_name(user)
