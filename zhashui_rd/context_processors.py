from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from liaison.roles import roles_for
from petitions.calendar import banner_year
from petitions.notifications import unread_count


def portal(request):
    """Names every page's header and footer need, and the header's menu: worked out only
    when a page draws it, so pages that never do (the admin, the citizen's pages) pay no
    query, and pages whose view already asked who the user is pay none either
    (``roles_for`` is cached on the user)."""
    context = {"CONGRESS_NAME": settings.CONGRESS_NAME}
    user = getattr(request, "user", None)
    if user is not None:
        context["menu"] = SimpleLazyObject(lambda: menu_for(user))
    return context


def notices(request):
    """The signed-in user's unread notices, for the header badge. Counted only when a
    template shows it, so pages without the badge (the admin) pay no query."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user))}


def calendar_banner(request):
    """Staff pages (the admin, the staff views) warn while next year's holidays are not
    entered. Read from the cache the hourly job fills, never the database: every page keeps
    its number of queries."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    # Lazy: a page that never shows the banner (a citizen's) never even loads the user.
    return {
        "calendar_missing_year": SimpleLazyObject(
            lambda: banner_year() if user.is_authenticated and user.is_staff else None
        ),
        # Read only inside the banner: county staff get the link to the form.
        "calendar_may_enter": SimpleLazyObject(lambda: roles_for(user).county),
    }


@dataclass(frozen=True)
class Menu:
    """The header's links a user can use: each page named here refuses everyone else."""

    admin: bool = False
    work: bool = False
    notices: bool = False
    my_page: bool = False
    my_points: bool = False


def menu_for(user) -> Menu:
    """The links of ``user``'s header, read from who they are (``roles_for``)."""
    if user is None or not user.is_authenticated:
        return Menu()
    roles = roles_for(user)
    representative = roles.representative_id is not None
    # Congress staff work in the administration: /work/ sends them there, and staff without
    # the admin's door have no work list to go to.
    staff_work = roles.is_staff_member and user.is_staff
    return Menu(
        admin=user.is_staff,
        # A legal worker's work is their list of concerns (/legal/, issue #11).
        work=representative or bool(roles.unit_ids) or staff_work or roles.legal_worker,
        # Notices go to representatives, units and congress staff (petitions.notifications).
        notices=roles.is_anyone,
        # The representative's own page (their QR code) and points are theirs alone.
        my_page=representative,
        my_points=representative,
    )
