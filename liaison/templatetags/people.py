"""``{{ user|display_name }}``: a person by name, never by login (liaison.people)."""

from django import template

from liaison import people

register = template.Library()


@register.filter
def display_name(user) -> str:
    return people.display_name(user)
