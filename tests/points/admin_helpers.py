"""What the points admin tests share: admin URLs, staff of the demo's groups, and the POST
data of a change form with an inline formset."""

from django.urls import reverse

from demo.logins import staff_group
from liaison.models import StaffScope
from tests.base import make_user

# Duty rosters describe a station: their models live in liaison, their admin in points.
LIAISON_MODELS = {"dutyday", "dutyshift"}


def admin_url(model_name, view, *args):
    app = "liaison" if model_name in LIAISON_MODELS else "points"
    return reverse(f"admin:{app}_{model_name}_{view}", args=args)


def staff(permissions, group_name, **scope):
    """A staff member of the demo's group for ``permissions``, with ``scope`` (or none)."""
    user = make_user(staff=True)
    user.groups.add(staff_group(group_name, permissions))
    if scope:
        StaffScope.objects.create(user=user, **scope)
    return user


def form_data(fields: dict, prefix: str, rows: list[dict], **more) -> dict:
    """A change form's POST: ``fields``, then ``more``, then the inline ``prefix``'s
    management form and ``rows`` (True as a ticked box, False left out, as a browser sends)."""
    data = {
        **fields,
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(sum(1 for r in rows if "id" in r)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        "_save": "1",
    }
    data.update(more)
    for index, row in enumerate(rows):
        for key, value in row.items():
            if value is True:
                value = "on"
            if value is not False:
                data[f"{prefix}-{index}-{key}"] = value
    return data


def duty_day_data(station, on, rows, **fields):
    return form_data(
        {"station": station.pk, "date": on.isoformat(), "hours": "9:00–12:00"},
        "shifts",
        rows,
        **fields,
    )
