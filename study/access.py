"""One access helper per way a material is reached (STYLE.md rule 7): out of scope is 404,
whatever the id."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from liaison.roles import representative_for
from study.models import Material
from study.services import materials_for, may_manage_study, staff_scope_q


def get_material_for_representative(representative, pk) -> Material:
    """A published material addressed to ``representative``; anything else is a 404."""
    return get_object_or_404(materials_for(representative), pk=pk)


def get_material_for_staff(user, pk) -> Material:
    """A material ``user`` manages (staff_scope_q); anything else is a 404."""
    if not may_manage_study(user):
        raise Http404
    return get_object_or_404(
        Material.objects.filter(staff_scope_q(user)).select_related("station__town", "created_by"),
        pk=pk,
    )


def get_material_file_for_user(user, pk) -> Material:
    """A material whose file ``user`` may download: a representative of its audience (once
    published) or staff who manage it. Anyone else, signed in or not, gets 404."""
    from_rep = None
    rep = representative_for(user)
    if rep is not None:
        from_rep = materials_for(rep).filter(pk=pk).first()
    if from_rep is not None:
        return from_rep
    return get_material_for_staff(user, pk)
