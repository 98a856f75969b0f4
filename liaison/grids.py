"""Business rules of grids (网格, 分片包区) and 议政代表: saving them, with an audit row per
change, and the reads of the public pages.

Who looks after which villages decides who is offered whose concerns
(``liaison.roles.Roles.grid_village_ids``, ``petitions.rules``): every change goes through
``grid_save`` / ``deputy_save`` (the admin too) and appends a ``GridAudit`` row.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from liaison.models import Deputy, Grid, GridAudit, Representative, Village

# A mainland mobile number (as tests/test_phones.py and the public-page scans read them): a
# grid's public contact phone must be an office line.
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")

GRID_FIELDS = ["town", "name", "station", "description", "contact_phone", "is_active"]
DEPUTY_FIELDS = ["name", "town", "occupation", "is_active"]


def _names(rows) -> str:
    return "、".join(sorted(str(getattr(r, "name", r)) for r in rows))


def _field_changes(before, after, fields) -> list[str]:
    changes = []
    for name in fields:
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            label = after._meta.get_field(name).verbose_name
            changes.append(f"{label}: {old if old not in (None, '') else '—'} → {new}")
    return changes


def _set_changes(label, before: set, after: set, by_pk: dict) -> list[str]:
    changes = []
    added, removed = after - before, before - after
    if added:
        changes.append(f"{label} +{_names(by_pk[pk] for pk in added)}")
    if removed:
        changes.append(f"{label} −{_names(by_pk[pk] for pk in removed)}")
    return changes


def _validate_grid(grid, villages, representatives, deputies, before_sets) -> None:
    """Villages and deputies of the grid's town; representatives and deputies active when
    they are added (one who left later stays listed until staff take them out: neither is
    offered anything once inactive, ``liaison.roles``)."""
    errors = {}
    if grid.station_id is not None and grid.station.town_id != grid.town_id:
        errors["station"] = _("The station must be in the grid's town.")
    if grid.contact_phone and MOBILE_RE.search(grid.contact_phone):
        errors["contact_phone"] = _(
            "The public contact phone must be an office line, never a private mobile number."
        )
    strangers = [v for v in villages if v.town_id != grid.town_id]
    if strangers:
        errors["villages"] = _("These villages are not in the grid's town: %(names)s.") % {
            "names": _names(strangers)
        }
    inactive = [
        r for r in representatives if not r.is_active and r.pk not in before_sets["representatives"]
    ]
    if inactive:
        errors["representatives"] = _("These representatives are no longer active: %(names)s.") % {
            "names": _names(inactive)
        }
    outsiders = [
        d
        for d in deputies
        if d.town_id != grid.town_id or (not d.is_active and d.pk not in before_sets["deputies"])
    ]
    if outsiders:
        errors["deputies"] = _(
            "These deliberative deputies are not active deputies of the grid's town: %(names)s."
        ) % {"names": _names(outsiders)}
    if errors:
        raise ValidationError(errors)


def grid_check(*, grid: Grid, villages, representatives, deputies) -> None:
    """``grid_save``'s checks alone, for a form to show its errors beside its fields."""
    before = {"villages": set(), "representatives": set(), "deputies": set()}
    if grid.pk is not None:
        stored = Grid.objects.filter(pk=grid.pk)
        before["representatives"] = set(stored.values_list("representatives", flat=True))
        before["deputies"] = set(stored.values_list("deputies", flat=True))
    _validate_grid(grid, list(villages), list(representatives), list(deputies), before)


@transaction.atomic
def grid_save(*, grid: Grid, villages, representatives, deputies, actor) -> Grid:
    """Create or change ``grid`` with its villages, representatives and deputies: all of its
    town (the representatives active), or a Chinese ``ValidationError``; one audit row."""
    villages, representatives, deputies = list(villages), list(representatives), list(deputies)
    created = grid.pk is None
    before = None
    before_sets = {"villages": set(), "representatives": set(), "deputies": set()}
    if not created:
        # Two staff saving the same grid: one waits for the other, and each change is
        # recorded against what the other left.
        before = Grid.objects.select_for_update().get(pk=grid.pk)
        before_sets = {
            "villages": set(before.villages.values_list("pk", flat=True)),
            "representatives": set(before.representatives.values_list("pk", flat=True)),
            "deputies": set(before.deputies.values_list("pk", flat=True)),
        }
    _validate_grid(grid, villages, representatives, deputies, before_sets)
    grid.full_clean()
    if created:
        changes = [_("name: %(name)s") % {"name": grid.name}]
    else:
        changes = _field_changes(before, grid, GRID_FIELDS)
    grid.save()
    after = {
        "villages": villages,
        "representatives": representatives,
        "deputies": deputies,
    }
    labels = {
        "villages": _("villages"),
        "representatives": _("representatives"),
        "deputies": _("deliberative deputies"),
    }
    for name, rows in after.items():
        by_pk = {row.pk: row for row in rows}
        old = before_sets[name]
        if old - set(by_pk):
            model = {"villages": Village, "representatives": Representative, "deputies": Deputy}
            by_pk.update(model[name].objects.in_bulk(old - set(by_pk)))
        changes += _set_changes(labels[name], old, {row.pk for row in rows}, by_pk)
        if old != {row.pk for row in rows}:
            getattr(grid, name).set(rows)
    if created or changes:
        GridAudit.objects.create(
            action=GridAudit.Action.GRID_CREATED if created else GridAudit.Action.GRID_CHANGED,
            grid=grid,
            actor=actor,
            note="；".join(changes),
        )
    return grid


@transaction.atomic
def deputy_save(*, deputy: Deputy, actor) -> Deputy:
    """Create or change a 议政代表; one audit row (a new mobile number is noted, never
    written into the row)."""
    deputy.full_clean()
    created = deputy.pk is None
    if created:
        changes = [_("name: %(name)s") % {"name": deputy.name}]
    else:
        before = Deputy.objects.select_for_update().get(pk=deputy.pk)
        changes = _field_changes(before, deputy, DEPUTY_FIELDS)
        if before.mobile != deputy.mobile:
            changes.append(_("private mobile phone changed"))
        if before.town_id != deputy.town_id and deputy.grids.exclude(town=deputy.town).exists():
            raise ValidationError(
                {"town": _("Take the deputy out of the other town's grids first.")}
            )
    deputy.save()
    if created or changes:
        GridAudit.objects.create(
            action=GridAudit.Action.DEPUTY_CREATED if created else GridAudit.Action.DEPUTY_CHANGED,
            deputy=deputy,
            actor=actor,
            note="；".join(changes),
        )
    return deputy


# --- reads of the public pages ---------------------------------------------------------------


def get_public_grid(pk: int) -> Grid:
    """An active grid with all its public page shows, in four queries; 404 otherwise (an
    inactive grid has no public page)."""
    grid = (
        Grid.objects.filter(pk=pk, is_active=True)
        .select_related("town", "station")
        .prefetch_related(
            Prefetch("villages", queryset=Village.objects.order_by("name", "pk")),
            Prefetch(
                "representatives",
                queryset=Representative.objects.filter(is_active=True).order_by("name", "pk"),
                to_attr="active_representatives",
            ),
            Prefetch(
                "deputies",
                queryset=Deputy.objects.filter(is_active=True).order_by("name", "pk"),
                to_attr="active_deputies",
            ),
        )
        .first()
    )
    if grid is None:
        raise Http404
    return grid


def grids_of_station(station) -> list[Grid]:
    """The station's active grids, for its public page (one query)."""
    return list(Grid.objects.filter(station=station, is_active=True).order_by("name", "pk"))


def grids_of_representative(rep) -> list[Grid]:
    """The active grids a representative looks after, for their public page (one query)."""
    return list(
        Grid.objects.filter(representatives=rep, is_active=True)
        .select_related("town")
        .order_by("town__order", "name", "pk")
    )
