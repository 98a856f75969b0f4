"""Template tags of the staff's administration pages for performance points."""

from django import template

from points import reports

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_year_end_reports(context) -> bool:
    """Whether to link to the year-end reports: county congress staff in the administration."""
    request = context.get("request")
    return reports.may_see_reports(getattr(request, "user", None))
