from django.conf import settings


def portal(request):
    """Names every page's header and footer need."""
    return {"CONGRESS_NAME": settings.CONGRESS_NAME}
