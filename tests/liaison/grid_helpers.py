"""Grids (网格) for the tests of issue #11: built through the service, as staff would."""

from liaison.grids import deputy_save, grid_save
from liaison.models import Deputy, Grid
from tests.base import make_village


def grid_actor():
    """Who set a test's grids up: nobody in particular (the audit row's actor is empty, as
    for a change made by a script); the tests of the audit give their own actor."""
    return None


def make_deputy(town, name="王议政", **fields) -> Deputy:
    fields.setdefault("occupation", "社区居委会委员")
    fields.setdefault("mobile", "13912345678")
    return deputy_save(deputy=Deputy(town=town, name=name, **fields), actor=grid_actor())


def make_grid(
    town, *, name=None, station=None, villages=None, representatives=(), deputies=(), **fields
) -> Grid:
    """A grid of ``town``; one new village of the town unless ``villages`` are given."""
    if villages is None:
        villages = [make_village(town)]
    fields.setdefault("contact_phone", "0914-4321001")
    grid = Grid(
        town=town, name=name or f"第{Grid.objects.count() + 1}网格", station=station, **fields
    )
    return grid_save(
        grid=grid,
        villages=villages,
        representatives=representatives,
        deputies=deputies,
        actor=grid_actor(),
    )
