"""Template tags that let pages of lower floors show mediation without importing it: the
concern's work page (its "开启调解" button or the link to its mediation) and the staff's
administration index."""

from django import template

from mediation import access
from petitions import statistics

register = template.Library()


@register.inclusion_tag("mediation/_work_box.html", takes_context=True)
def mediation_box(context, petition):
    """On a concern's work page: its mediation, if the user may see it, or the button to open
    one when they may. No query for a concern that is not a dispute."""
    request = context.get("request")
    user = getattr(request, "user", None)
    result = {"petition": petition, "mediation": None, "may_open": False}
    category = petition.category
    if user is None or category is None or not category.is_dispute:
        return result
    mediation = access.mediations_for_user(user).filter(petition_id=petition.pk).first()
    if mediation is not None:
        result["mediation"] = mediation
    else:
        result["may_open"] = access.may_open(user, petition)
    return result


@register.simple_tag(takes_context=True)
def may_see_mediation_summary(context) -> bool:
    """Whether to link to the mediations' list and summary: congress staff in the
    administration (as the statistics of concerns)."""
    request = context.get("request")
    return statistics.may_see_statistics(getattr(request, "user", None))
