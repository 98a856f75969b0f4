"""Signals of the key issues, so that the points app above hears of them without this app
importing it."""

from django.dispatch import Signal

# Sent with ``issue`` (refreshed) after its state changed (concluded as solved or not, or
# reopened), and after its representatives changed, inside the service's transaction.
# Points listen: a solved issue earns its representatives ``key_issue``.
key_issue_concluded = Signal()
