"""The ground floor's data: places and people (``places.py``), star ratings (``ratings.py``) and their awards (``awards.py``),
who a user is (``scopes.py``), grids (``grids.py``), the rhythm's themes (``rhythm.py``), the five links (``links.py``) and what representatives attend: duty rosters and congress
activities (``rosters.py``). Everything is imported from here."""

from liaison.models.awards import AwardEvent, AwardLevel, AwardLine, AwardYear
from liaison.models.grids import Deputy, Grid, GridAudit
from liaison.models.links import (
    ContactLog,
    Leader,
    Link,
    LinkAudit,
    LinkKind,
    ProfessionalGroup,
    WorkingCommittee,
)
from liaison.models.places import (
    Representative,
    RepresentativeQuerySet,
    RetiredQrToken,
    Station,
    StationMembership,
    StationQuerySet,
    Town,
    Village,
    mainland_mobile_validator,
    new_qr_token,
)
from liaison.models.ratings import RatingCriterion, RatingScore, StationRating
from liaison.models.rhythm import Theme, ThemeChange
from liaison.models.rosters import Activity, ActivityGuest, DutyDay, DutyShift
from liaison.models.scopes import HandlingUnit, MobileView, StaffScope

__all__ = [
    "AwardEvent",
    "AwardLevel",
    "AwardLine",
    "AwardYear",
    "Activity",
    "ActivityGuest",
    "ContactLog",
    "Leader",
    "Link",
    "LinkAudit",
    "LinkKind",
    "ProfessionalGroup",
    "WorkingCommittee",
    "Deputy",
    "DutyDay",
    "DutyShift",
    "Grid",
    "GridAudit",
    "HandlingUnit",
    "MobileView",
    "RatingCriterion",
    "StationRating",
    "RatingScore",
    "Representative",
    "RepresentativeQuerySet",
    "RetiredQrToken",
    "StaffScope",
    "Theme",
    "ThemeChange",
    "Station",
    "StationMembership",
    "StationQuerySet",
    "Town",
    "Village",
    "mainland_mobile_validator",
    "new_qr_token",
]
