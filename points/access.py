"""Who sees which point entry. Called first in every view that shows one; out of scope is 404.

A representative sees their own entries and nothing else. Evidence (photos and documents a
representative attached to a claim, personal data of third parties at times) goes only to
that representative and to staff who may review entries in the administration; it is never
under a public media URL (nginx serves only ``/media/stations/`` and
``/media/representatives/``).
"""

from django.db.models import QuerySet
from django.http import Http404

from points.models import PointEntry


def _int_or_404(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None


def get_entry_for_representative(
    representative, pk, queryset: QuerySet | None = None
) -> PointEntry:
    """The entry ``pk`` if it belongs to ``representative``; 404 otherwise, whatever the id."""
    qs = PointEntry.objects.all() if queryset is None else queryset
    entry = qs.filter(pk=_int_or_404(pk), representative=representative).first()
    if entry is None:
        raise Http404
    return entry


def may_review(user) -> bool:
    """Staff who review entries: the same permission the admin's entry list needs."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("points.view_pointentry")
    )


def get_entry_evidence_for_user(user, pk) -> PointEntry:
    """The entry ``pk`` whose evidence ``user`` may open: their own, or any for reviewers."""
    entry = (
        PointEntry.objects.select_related("representative")
        .only("pk", "evidence", "representative__user_id", "representative__is_active")
        .filter(pk=_int_or_404(pk))
        .first()
    )
    if entry is None or not entry.evidence:
        raise Http404
    rep = entry.representative
    own = rep.is_active and rep.user_id is not None and rep.user_id == user.pk
    if not (own or may_review(user)):
        raise Http404
    return entry
