"""The concern's work page, shared by staff, representatives and handling units: details,
history, and the actions the workflow table allows this user now (each a POST form)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from liaison.files import private_file_response
from liaison.models import HandlingUnit
from liaison.roles import roles_for
from petitions import access, workflow
from petitions.errors import WorkflowError
from petitions.forms import ACTION_FORMS
from petitions.models import Petition, PetitionEvent, PetitionPhoto, ResultAttachment
from petitions.photos import photo_thumbnail


def work_queryset():
    """Everything the work page shows, in a fixed number of queries."""
    return Petition.objects.select_related(
        "category",
        "town",
        "village",
        "station__town",
        "representative",
        "unit",
        "merged_into",
        "accused_unit",
        "accused_representative",
    ).prefetch_related(
        "photos",
        "attachments",
        "surveys",
        # With the actor's representative and units: the history names people, a unit's
        # member with their unit (liaison.people.display_name).
        Prefetch(
            "events",
            queryset=PetitionEvent.objects.select_related(
                "actor", "actor__representative"
            ).prefetch_related(
                Prefetch(
                    "actor__handling_units", queryset=HandlingUnit.objects.filter(is_active=True)
                )
            ),
        ),
    )


def action_auto_id(action: str) -> str:
    """Each action's form on the page has its own field ids (id_remind_note, id_reply_note):
    several forms have a note, and a label must focus its own box. Names stay as they are."""
    return f"id_{action}_%s"


def _render_detail(request, petition, *, bound=None, status=200):
    actions = workflow.allowed_actions(petition, request.user)
    forms = []
    for action in actions:
        if bound is not None and bound.action == action.name:
            form = bound
        else:
            form = ACTION_FORMS[action.name](
                petition=petition, user=request.user, auto_id=action_auto_id(action.name)
            )
        forms.append((action, form))
    context = {
        "petition": petition,
        "action_forms": forms,
        "open_action": bound.action if bound is not None else "",
        "phone": access.phone_for(request.user, petition, where="work page"),
        "citizen_name": access.name_for(request.user, petition),
        "return_deadline": workflow.return_deadline(petition),
    }
    return render(request, "petitions/work_detail.html", context, status=status)


@login_required
@require_GET
def work_home(request):
    """Where a signed-in user's work is: the task list of a representative, the queue of a
    handling unit, a legal worker's list, the admin for congress staff."""
    roles = roles_for(request.user)
    if roles.representative_id is not None:
        return redirect("petitions:my_tasks")
    if roles.unit_ids:
        return redirect("petitions:unit_list")
    if roles.legal_worker:
        return redirect("petitions:legal_list")
    if roles.is_staff_member and request.user.is_staff:
        return redirect("admin:petitions_petition_changelist")
    return redirect("liaison:my_page")


@login_required
@require_GET
def work_detail(request, pk):
    petition = access.get_petition_for_user(request.user, pk, work_queryset())
    return _render_detail(request, petition)


@login_required
@require_POST
def work_action(request, pk, action):
    petition = access.get_petition_for_user(request.user, pk, work_queryset())
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(
        request.POST,
        request.FILES,
        petition=petition,
        user=request.user,
        auto_id=action_auto_id(action),
    )
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _render_detail(request, petition, bound=form, status=400)
    try:
        form.perform(actor=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
        petition = access.get_petition_for_user(request.user, pk, work_queryset())
        return _render_detail(request, petition, status=error.status)
    messages.success(
        request,
        _("Done: %(action)s.") % {"action": workflow.ACTIONS[action].label},
    )
    if not access.petitions_for_user(request.user).filter(pk=petition.pk).exists():
        # E.g. a unit returned the assignment: the concern has left its hands.
        return redirect("petitions:work_home")
    return redirect("petitions:work_detail", pk=petition.pk)


@login_required
@require_GET
def work_photo(request, pk, photo_pk, thumb=False):
    """A concern's photo (or its thumbnail), only for users who may see the concern."""
    petition = access.get_petition_for_user(request.user, pk)
    photo = get_object_or_404(PetitionPhoto, pk=photo_pk, petition=petition)
    file = photo_thumbnail(photo=photo) if thumb else photo.image
    return private_file_response(file, content_type="image/jpeg")


@login_required
@require_GET
def work_attachment(request, pk, attachment_pk):
    petition = access.get_petition_for_user(request.user, pk)
    attachment = get_object_or_404(ResultAttachment, pk=attachment_pk, petition=petition)
    return private_file_response(attachment.file, filename=attachment.name, as_attachment=True)


urlpatterns = [
    path("work/", work_home, name="work_home"),
    path("work/petitions/<int:pk>/", work_detail, name="work_detail"),
    path("work/petitions/<int:pk>/do/<slug:action>/", work_action, name="work_action"),
    path("work/petitions/<int:pk>/photos/<int:photo_pk>/", work_photo, name="work_photo"),
    path(
        "work/petitions/<int:pk>/photos/<int:photo_pk>/thumb/",
        work_photo,
        {"thumb": True},
        name="work_photo_thumb",
    ),
    path(
        "work/petitions/<int:pk>/attachments/<int:attachment_pk>/",
        work_attachment,
        name="work_attachment",
    ),
]
