"""A concern's history: one appended row per change, never updated or deleted. The
citizen's timeline and the audit trail are read from it."""

from petitions.models import PetitionEvent


def event_append(
    *,
    petition,
    kind,
    action="",
    from_step="",
    to_step="",
    actor=None,
    note="",
    is_public=False,
    actor_kind=None,
) -> PetitionEvent:
    """Append one event; without ``actor_kind``, a user's if there is an actor, else the
    system's. Call it inside the transaction of the change it records."""
    return PetitionEvent.objects.create(
        petition=petition,
        kind=kind,
        action=action,
        from_step=from_step,
        to_step=to_step,
        actor=actor,
        actor_kind=actor_kind
        or (PetitionEvent.ActorKind.USER if actor else PetitionEvent.ActorKind.SYSTEM),
        note=note,
        is_public=is_public,
    )
