"""``{% may_see_activity_results_link as show %}``: whether the admin index links to the
activities' results (county and town congress staff)."""

from django import template

from measures.activities import may_see_activity_results

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_activity_results_link(context) -> bool:
    return may_see_activity_results(getattr(context.get("request"), "user", None))
