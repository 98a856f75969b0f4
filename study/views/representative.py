"""A representative's study pages, made for a phone: the materials addressed to them, one
material with its link and files, and marking it read. Thin: ``study.services`` decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from liaison.files import private_file_response
from petitions.access import representative_required
from study import services
from study.access import get_material_file_for_user, get_material_for_representative
from study.models import MaterialRead

MATERIALS_PER_PAGE = 20
MY_STUDY = gettext_lazy("My study")


def _with_read_mark(materials, rep):
    return materials.annotate(
        is_read=Exists(MaterialRead.objects.filter(material=OuterRef("pk"), representative=rep))
    )


@login_required
@require_GET
@representative_required(MY_STUDY)
def my_study(request, rep):
    """The materials addressed to the representative, newest first, each marked read or not."""
    materials = _with_read_mark(services.materials_for(rep), rep)
    page = Paginator(materials, MATERIALS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "study/my_study.html", {"page": page})


@login_required
@require_GET
@representative_required(MY_STUDY)
def my_material(request, pk, rep):
    """One material: its summary, the official link, its files, and the button to mark it."""
    material = get_material_for_representative(rep, pk)
    read = MaterialRead.objects.filter(material=material, representative=rep).first()
    return render(request, "study/my_material.html", {"material": material, "read": read})


@login_required
@require_POST
@representative_required(MY_STUDY)
def my_material_read(request, pk, rep):
    """Mark the material read (once; a second tap changes nothing)."""
    material = get_material_for_representative(rep, pk)
    try:
        _read, created = services.material_read(material=material, representative=rep)
    except services.StudyError as error:
        messages.error(request, error.message)
    else:
        if created:
            messages.success(
                request,
                _(
                    "Marked as read. It counts under study and training on your points record, up to the rule's yearly limit."
                ),
            )
    return redirect("study:my_material", pk=material.pk)


@login_required
@require_GET
def material_file(request, pk, which="file"):
    """A material's file or a lecture's slides, for its readers and its staff only."""
    material = get_material_file_for_user(request.user, pk)
    file = material.slides if which == "slides" else material.file
    name = material.slides_name if which == "slides" else material.file_name
    if not file:
        raise Http404
    return private_file_response(file, filename=name, as_attachment=True)
