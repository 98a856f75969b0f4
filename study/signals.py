"""What the study app tells the floors above it (points listens)."""

from django.dispatch import Signal

# Sent once per new read, inside the transaction that records it: ``read`` (a MaterialRead).
material_read = Signal()
