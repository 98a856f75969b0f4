"""Template tags of the five links (五联系机制): the administration's index, "My page"."""

from django import template

from liaison import links

register = template.Library()


@register.simple_tag(takes_context=True)
def may_read_links(context) -> bool:
    """Whether to link to the five links' pages: congress staff in the administration."""
    return links.may_read_links(getattr(context.get("request"), "user", None))


@register.simple_tag(takes_context=True)
def is_leader(context) -> bool:
    """Whether the user is an active leader with links of their own (one query, cached)."""
    return links.leader_for(getattr(context.get("request"), "user", None)) is not None
