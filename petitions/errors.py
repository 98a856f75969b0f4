"""What a refused change raises. Views show ``message`` as is, with ``status``."""

from django.utils.translation import gettext as _


class WorkflowError(Exception):
    """A change that may not happen; ``message`` is shown to the user as is."""

    status = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(WorkflowError):
    """Not from this step, or not by this user."""

    status = 403


class TransitionConflict(WorkflowError):
    """Someone else changed the concern first (the compare-and-set found another step)."""

    status = 409

    def __init__(self, message=None):
        super().__init__(
            message
            or _("Someone else has just changed this concern. Reload the page to see its state.")
        )
