"""Template tags of the legal help part's staff links (issue #11)."""

from django import template

from petitions import access

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_joint_receptions(context) -> bool:
    """Whether to link to the joint receptions at the petition hall: county staff only."""
    return access.may_see_joint_receptions(getattr(context.get("request"), "user", None))
