"""``{% may_edit_rhythm as show %}``: whether the admin index links to the rhythm's page."""

from django import template

from liaison.rhythm import may_edit_rhythm as _may_edit_rhythm

register = template.Library()


@register.simple_tag(takes_context=True)
def may_edit_rhythm(context) -> bool:
    return _may_edit_rhythm(getattr(context.get("request"), "user", None))
