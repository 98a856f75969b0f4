"""Whether the signed-in user sees the study links on the administration's index."""

from django import template

from study import services

register = template.Library()


@register.simple_tag(takes_context=True)
def may_manage_study(context) -> bool:
    request = context.get("request")
    return services.may_manage_study(getattr(request, "user", None))
