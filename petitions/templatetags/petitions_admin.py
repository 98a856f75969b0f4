"""Template tags of the staff's administration pages."""

from django import template

from petitions import statistics

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_statistics(context) -> bool:
    """Whether to link to the statistics: congress staff in the administration."""
    request = context.get("request")
    return statistics.may_see_statistics(getattr(request, "user", None))
