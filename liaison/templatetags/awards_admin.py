"""``{% may_manage_awards as show %}``: whether the admin index links to the awards' pages."""

from django import template

from liaison.awards import may_manage_awards as _may_manage_awards

register = template.Library()


@register.simple_tag(takes_context=True)
def may_manage_awards(context) -> bool:
    return _may_manage_awards(getattr(context.get("request"), "user", None))
