"""``{% may_see_key_issue_coverage as show %}``: whether the admin index links to the key
issues' pages (congress staff)."""

from django import template

from keyissues.access import is_congress_staff

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_key_issue_coverage(context) -> bool:
    return is_congress_staff(getattr(context.get("request"), "user", None))
