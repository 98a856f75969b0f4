from django.conf import settings
from django.utils.functional import SimpleLazyObject

from petitions.notifications import unread_count


def portal(request):
    """Names every page's header and footer need."""
    return {"CONGRESS_NAME": settings.CONGRESS_NAME}


def notices(request):
    """The signed-in user's unread notices, for the header badge. Counted only when a
    template shows it, so pages without the badge (the admin) pay no query."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user))}
