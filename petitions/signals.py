"""Signals other apps listen to. Sent inside the transition's transaction."""

from django.dispatch import Signal

# Sent after every step change, with ``petition`` (refreshed) and ``action``.
petition_step_changed = Signal()
