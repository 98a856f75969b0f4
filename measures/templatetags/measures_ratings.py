"""``{% may_see_ratings as show %}``: whether the admin index links to the star ratings'
pages (congress staff, as ``measures.ratings.is_congress_staff`` has it)."""

from django import template

from measures.ratings import is_congress_staff

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_ratings(context) -> bool:
    return is_congress_staff(getattr(context.get("request"), "user", None))
