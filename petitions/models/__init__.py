"""Citizens' concerns (群众诉求) and the six-step loop (六步工作法).

Only ``petitions/workflow.py`` changes a petition's step; everything here is the shape of
the data and the invariants the database can hold: the concern in ``concern.py``, what the
system records about it in ``records.py``. Everything is imported from here.
"""

from petitions.models.concern import (
    DROPPED_STEPS,
    HANDLING_STEPS,
    MAX_EXTENSION_DAYS,
    MAX_REOPENS,
    OPEN_FIRST,
    OPEN_STEPS,
    RESULT_STEPS,
    CalendarDay,
    CalendarReminder,
    Category,
    ExtensionStatus,
    Petition,
    PetitionPhoto,
    PetitionQuerySet,
    Rating,
    ResultAttachment,
    ScannedLetter,
    Step,
    TrackingCounter,
    attachment_upload_to,
    photo_upload_to,
    thumbnail_upload_to,
)
from petitions.models.records import (
    EVENT_ACTION_TITLES,
    Notification,
    PersonalDataView,
    PetitionEvent,
    Reception,
    Survey,
)
from petitions.models.sms import Sms
from petitions.models.visits import Visit, VisitPhoto, visit_photo_upload_to

__all__ = [
    "DROPPED_STEPS",
    "EVENT_ACTION_TITLES",
    "HANDLING_STEPS",
    "MAX_EXTENSION_DAYS",
    "MAX_REOPENS",
    "OPEN_FIRST",
    "OPEN_STEPS",
    "RESULT_STEPS",
    "CalendarDay",
    "CalendarReminder",
    "Category",
    "ExtensionStatus",
    "Notification",
    "PersonalDataView",
    "Petition",
    "PetitionEvent",
    "PetitionPhoto",
    "PetitionQuerySet",
    "Rating",
    "Reception",
    "ResultAttachment",
    "ScannedLetter",
    "Sms",
    "Step",
    "Survey",
    "TrackingCounter",
    "Visit",
    "VisitPhoto",
    "attachment_upload_to",
    "photo_upload_to",
    "thumbnail_upload_to",
    "visit_photo_upload_to",
]
