"""A representative's outreach and home visits (主动出诊 / 代表家访), made for a phone: the
list, recording a visit with the concerns raised on it, a visit's page, adding a concern
afterwards, a visit's photos. Thin: forms parse, ``petitions/outreach.py`` records."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from liaison.files import private_file_response
from petitions import access, outreach
from petitions.errors import WorkflowError
from petitions.models import Petition, Visit, VisitPhoto
from petitions.photos import photo_thumbnail
from petitions.representative_forms import VisitConcernAddForm, VisitConcernFormSet, VisitForm

VISITS_PER_PAGE = 20
MY_VISITS = gettext_lazy("My visits")

CONCERN_FIELDS = ("text", "category", "village", "citizen_name", "citizen_phone", "consent")


def _own_visit(rep, pk):
    """The representative's own visit; anyone else's id is a 404."""
    return get_object_or_404(
        Visit.objects.select_related("village", "town"), pk=pk, representative=rep
    )


@login_required
@require_GET
@access.representative_required(MY_VISITS)
def visit_list(request, rep):
    """The representative's visits, newest first, with how many concerns each raised."""
    visits = (
        Visit.objects.filter(representative=rep)
        .select_related("town")
        .annotate(concern_count=Count("petitions"))
        .order_by("-date", "-pk")
    )
    page = Paginator(visits, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "petitions/visit_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@access.representative_required(MY_VISITS)
def visit_new(request, rep):
    """Record a visit and, in the same form, up to five concerns raised on it."""
    if request.method == "POST":
        form = VisitForm(request.POST, request.FILES, representative=rep)
        formset = VisitConcernFormSet(request.POST, prefix="concern")
        if form.is_valid() and formset.is_valid():
            d = form.cleaned_data
            concerns = [
                {name: f.cleaned_data.get(name) for name in CONCERN_FIELDS}
                for f in formset.forms
                if f.has_changed() and f.cleaned_data
            ]
            try:
                visit, created = outreach.visit_record(
                    representative=rep,
                    actor=request.user,
                    on=d["date"],
                    place_kind=d["place_kind"],
                    place=d["place"],
                    village=d["village"],
                    fellows=list(d["fellows"]),
                    people_count=d["people_count"],
                    people_note=d["people_note"],
                    note=d["note"],
                    photos=d["photos"],
                    concerns=concerns,
                    submit_key=d["submit_key"],
                )
            except WorkflowError as error:
                messages.error(request, error.message)
            else:
                if created:
                    messages.success(request, _("Visit recorded."))
                return redirect("petitions:visit_detail", pk=visit.pk)
        else:
            # Said at the top of the page: on a phone the field in error may be far below,
            # in the third concern of the form (QA).
            messages.error(
                request, _("Please correct the marked fields. Nothing has been saved yet.")
            )
        context = {"form": form, "formset": formset}
        return render(request, "petitions/visit_form.html", context, status=400)
    context = {
        "form": VisitForm(representative=rep),
        "formset": VisitConcernFormSet(prefix="concern"),
    }
    return render(request, "petitions/visit_form.html", context)


@login_required
@require_GET
@access.representative_required(MY_VISITS)
def visit_detail(request, pk, rep):
    """A visit's page: where, with whom, its photos and its concerns with their steps."""
    visit = get_object_or_404(
        Visit.objects.select_related("village", "town").prefetch_related(
            "photos",
            Prefetch("fellows"),
            Prefetch(
                "petitions",
                queryset=Petition.objects.select_related("category").order_by("pk"),
            ),
        ),
        pk=pk,
        representative=rep,
    )
    return render(request, "petitions/visit_detail.html", {"visit": visit})


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@access.representative_required(MY_VISITS)
def visit_concern_new(request, pk, rep):
    """Add a concern raised on the visit, after the visit was recorded."""
    visit = _own_visit(rep, pk)
    if request.method == "POST":
        form = VisitConcernAddForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                petition, _token, created = outreach.visit_concern_add(
                    visit=visit,
                    representative=rep,
                    actor=request.user,
                    concern={name: d.get(name) for name in CONCERN_FIELDS},
                    submit_key=d["submit_key"],
                )
            except WorkflowError as error:
                messages.error(request, error.message)
            else:
                if created:
                    messages.success(
                        request,
                        _("Concern %(no)s received. Collect it when you are ready.")
                        % {"no": petition.tracking_no},
                    )
                return redirect("petitions:visit_detail", pk=visit.pk)
        context = {"form": form, "visit": visit}
        return render(request, "petitions/visit_concern_form.html", context, status=400)
    context = {"form": VisitConcernAddForm(), "visit": visit}
    return render(request, "petitions/visit_concern_form.html", context)


@login_required
@require_GET
@access.representative_required(MY_VISITS)
def visit_photo(request, pk, photo_pk, rep, thumb=False):
    """A visit's photo, only for the representative who made the visit."""
    # The visit by its own key first: Django turns an id past the column's range into "no
    # such row" on a primary key, not on a foreign key (SQLite would raise an error).
    visit = _own_visit(rep, pk)
    photo = get_object_or_404(VisitPhoto, pk=photo_pk, visit=visit)
    file = photo_thumbnail(photo=photo) if thumb else photo.image
    return private_file_response(file, content_type="image/jpeg")


urlpatterns = [
    path("me/visits/", visit_list, name="visit_list"),
    path("me/visits/new/", visit_new, name="visit_new"),
    path("me/visits/<int:pk>/", visit_detail, name="visit_detail"),
    path("me/visits/<int:pk>/concerns/new/", visit_concern_new, name="visit_concern_new"),
    path("me/visits/<int:pk>/photos/<int:photo_pk>/", visit_photo, name="visit_photo"),
    path(
        "me/visits/<int:pk>/photos/<int:photo_pk>/thumb/",
        visit_photo,
        {"thumb": True},
        name="visit_photo_thumb",
    ),
]
