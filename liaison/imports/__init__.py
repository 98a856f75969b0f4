"""Loading the real county from spreadsheets (django-import-export): one resource per table
staff keep on paper: handling units, towns, villages, stations, representatives.

Every row is found again by a natural key the county's own lists carry (a town's, a
station's, a unit's name; a village's town and name; a representative's name and level),
never by a database id, so the same file imported twice changes nothing the second time
(``skip_unchanged``). Columns are headed in Chinese, choices are written as their Chinese
labels, and every problem of a row is a ``ValidationError`` with a Chinese message, so the
preview lists them all and the import stops before anything is saved.

Objects are created through the models' own defaults (a station's and a representative's
QR token is made when the row is, as when staff add one by hand); the admin writes the
audit rows and offers the empty templates (``liaison.import_admin``).
"""

from liaison.imports.base import CountyResource, sheet_row
from liaison.imports.people import RepresentativeResource
from liaison.imports.places import (
    HandlingUnitResource,
    StationResource,
    TownResource,
    VillageResource,
)

# In the order a county loads them: each names only rows of the ones before it.
# Towns come first: a town government (a handling unit) names its town.
LOAD_ORDER = [
    TownResource,
    HandlingUnitResource,
    VillageResource,
    StationResource,
    RepresentativeResource,
]

__all__ = [
    "LOAD_ORDER",
    "CountyResource",
    "HandlingUnitResource",
    "RepresentativeResource",
    "StationResource",
    "TownResource",
    "VillageResource",
    "sheet_row",
]
