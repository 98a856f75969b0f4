"""Template tags of the five links (五联系机制) for the administration's index."""

from django import template

from liaison import links

register = template.Library()


@register.simple_tag(takes_context=True)
def may_read_links(context) -> bool:
    """Whether to link to the five links' pages: congress staff in the administration."""
    return links.may_read_links(getattr(context.get("request"), "user", None))
