"""The grids on a station's and a representative's public pages (``_station_grids.html``,
``_representative_grids.html``): one query each, without touching those pages' views."""

from django import template

from liaison import grids

register = template.Library()


@register.simple_tag
def station_grids(station) -> list:
    return grids.grids_of_station(station)


@register.simple_tag
def representative_grids(rep) -> list:
    return grids.grids_of_representative(rep)
