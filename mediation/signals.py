"""Signals of the mediation app: points (a floor above) listen without being imported."""

from django.dispatch import Signal

# Sent with ``mediation`` (refreshed) when it is closed, inside the closing transaction.
# Points listen: a successful mediation counts for each mediating representative.
mediation_closed = Signal()
