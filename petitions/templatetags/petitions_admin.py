"""Template tags of the staff's administration pages."""

from django import template

from liaison.roles import roles_for
from petitions import statistics

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_statistics(context) -> bool:
    """Whether to link to the statistics: congress staff in the administration."""
    request = context.get("request")
    return statistics.may_see_statistics(getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def may_enter_calendar(context) -> bool:
    """Whether to link to the working-day calendar's form: county staff only."""
    user = getattr(context.get("request"), "user", None)
    return bool(user is not None and user.is_authenticated and roles_for(user).county)
