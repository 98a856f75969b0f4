"""How personal data is shown: pure functions, no database, importable from every floor.

The rule for a mobile number, a citizen's or a representative's, on every page, list,
change page, export and notice: county congress staff may see it in full, and each time they
are shown it is recorded (个人信息保护法: who saw whose number, when, where); everyone else
sees it masked (138****1234). It is written once here, as a function of the viewer's roles
(``liaison.roles.roles_for``), and the caller says how a view is recorded: a concern's in
``petitions.models.PersonalDataView``, a representative's in ``liaison.models.MobileView``.
"""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

# Where personal data was shown, as the view records say it (their ``where``).
VIEW_PLACES = [
    ("work page", _("work page")),
    ("admin", _("concern's administration page")),
    ("admin change page", _("representative's administration page")),
]
# A representative's mobile is also shown in full in the county's spreadsheet export.
MOBILE_VIEW_PLACES = [*VIEW_PLACES, ("spreadsheet export", _("spreadsheet export"))]


def mask_phone(phone: str) -> str:
    """138****1234: the one place a phone number is masked for display.

    Mobile numbers keep their first 3 and last 4 digits; shorter numbers keep at most two
    digits at each end, so that at least half of any number is hidden.
    """
    digits = (phone or "").strip()
    if not digits:
        return ""
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) >= 8:
        return f"{digits[:2]}****{digits[-2:]}"
    return "****"


def may_see_full_phone(roles) -> bool:
    """Only county congress staff see a full mobile number (``roles``: a ``Roles``)."""
    return roles.county


def phone_for_viewer(roles, phone: str, *, record: Callable[[], object]) -> str:
    """``phone`` as a user with ``roles`` may see it: in full for county staff, after
    ``record()`` has recorded that they saw it; masked for everyone else.

    ``record`` is required so that no caller can show a full number without deciding how
    the view is recorded.
    """
    if not phone:
        return ""
    if may_see_full_phone(roles):
        record()
        return phone
    return mask_phone(phone)
