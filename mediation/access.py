"""Who sees a mediation, who acts on it, and how a party's name is shown: every rule once.

Seeing: county staff all; town staff their town's; station staff their station's; a
representative those they mediate and those of the concerns addressed to them (read only);
a legal worker those they mediate. Anyone else: 404, whatever the id.

Acting: county staff and the town staff of its town manage it (parties, mediators) and, with
the mediating representatives and legal worker, record sessions and close it.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from liaison.roles import roles_for
from mediation.models import Mediation
from petitions import rules
from petitions.models import DROPPED_STEPS, Petition

_NOBODY = Q(pk__in=[])


def _mediated_by(representative_id: int) -> Q:
    """Mediations a representative mediates: a subquery, so that a list never repeats a row."""
    through = Mediation.representatives.through.objects.filter(representative_id=representative_id)
    return Q(pk__in=through.values("mediation_id"))


def scope(user) -> Q:
    """The mediations ``user`` may see, as a ``Q`` over ``Mediation``."""
    roles = roles_for(user)
    if roles.county:
        return ~_NOBODY
    q = _NOBODY
    if roles.town_id is not None:
        q |= Q(town_id=roles.town_id)
    if roles.station_id is not None:
        q |= Q(station_id=roles.station_id)
    if roles.representative_id is not None:
        q |= _mediated_by(roles.representative_id) | Q(
            petition__representative_id=roles.representative_id
        )
    if roles.legal_worker:
        q |= Q(legal_worker_id=user.pk)
    return q


def mediations_for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    """Every mediation ``user`` may see (none for anyone without a role)."""
    qs = Mediation.objects.all() if queryset is None else queryset
    if not roles_for(user).is_anyone:
        return qs.none()
    return qs.filter(scope(user))


def get_mediation_for_user(user, pk, queryset: QuerySet | None = None) -> Mediation:
    """The mediation ``pk`` if ``user`` may see it; 404 otherwise, whatever the id."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    mediation = mediations_for_user(user, queryset).filter(pk=pk).first()
    if mediation is None:
        raise Http404
    return mediation


def may_manage(user, mediation: Mediation) -> bool:
    """County staff, and town staff of the mediation's town: parties and mediators."""
    roles = roles_for(user)
    return roles.county or (roles.town_id is not None and roles.town_id == mediation.town_id)


def is_mediator(user, mediation: Mediation) -> bool:
    """A mediating representative or the mediating legal worker (reads the prefetched
    representatives when there are)."""
    roles = roles_for(user)
    if roles.legal_worker and mediation.legal_worker_id == user.pk:
        return True
    rep_id = roles.representative_id
    return rep_id is not None and any(r.pk == rep_id for r in mediation.representatives.all())


def may_act(user, mediation: Mediation) -> bool:
    """Record a session or close it: those who manage it and its mediators, while open."""
    return mediation.is_open and (may_manage(user, mediation) or is_mediator(user, mediation))


def may_see_full_names(user) -> bool:
    """Parties' names in full: county and town congress staff only."""
    roles = roles_for(user)
    return roles.county or roles.town_id is not None


def mask_name(name: str) -> str:
    """张*: the first character, a star for each other one."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def party_name_for(user, name: str) -> str:
    """A party's name as ``user`` may see it: the one place names are masked."""
    return name if may_see_full_names(user) else mask_name(name)


# --- opening -------------------------------------------------------------------------------

OPEN_RULES = {
    "staff": rules.congress_staff,
    "work": rules.collector,
    "legal": rules.legal_adviser,
}


def may_open(user, petition: Petition) -> bool:
    """Whether ``user`` may open a mediation of ``petition`` now: a dispute (矛盾纠纷) neither
    dropped nor already mediated; by county staff, the town staff of its town, the
    representative whose concern it is (who then mediates), or the legal worker where it
    was received. Judged on the concern's row in the database (one query, plus one for
    whether it is already mediated)."""
    if petition.category_id is None or not petition.category.is_dispute:
        return False
    if petition.step in DROPPED_STEPS:
        return False
    roles = roles_for(user)
    if not roles.is_anyone:
        return False
    verdict = rules.judge(roles, petition.pk, OPEN_RULES)
    allowed = (
        verdict["staff"]
        or (verdict["work"] and roles.representative_id is not None)
        or verdict["legal"]
    )
    return allowed and not Mediation.objects.filter(petition_id=petition.pk).exists()
