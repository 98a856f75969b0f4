"""Staff's study pages, inside the admin's frame: the materials they manage with how many of
the audience read each, a form to create or edit one, a material's readers with publish and
unpublish, and the stations' monthly collective study with attendance. County, town or
station staff (``services.may_manage_study``); anyone else signed in gets 404."""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from liaison.models import Activity, Representative, StationMembership
from liaison.roles import roles_for
from study import services
from study.access import get_material_for_staff
from study.forms import MaterialForm
from study.models import Material

ROWS_PER_PAGE = 50


def staff_only(view):
    """Signed-in congress staff only: others are sent to sign in, or get 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not services.may_manage_study(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _page_context(request, title, **more) -> dict:
    return {**admin.site.each_context(request), "title": title, **more}


def _audience_sizes(materials) -> None:
    """Set ``audience_size`` and ``read_share`` on each material: three grouped counts for
    any number of rows (all, by level, by station)."""
    active = Representative.objects.filter(is_active=True)
    everyone = active.count()
    by_level = dict(active.values_list("level").annotate(n=Count("pk")).order_by())
    # The page's stations by a subquery: one query whether any row is for a station or none.
    stations = Material.objects.filter(
        pk__in=[m.pk for m in materials], station__isnull=False
    ).values("station_id")
    by_station = dict(
        StationMembership.objects.filter(station_id__in=stations, representative__is_active=True)
        .values_list("station_id")
        .annotate(n=Count("representative_id", distinct=True))
        .order_by()
    )
    for m in materials:
        if m.audience == Material.Audience.LEVEL:
            m.audience_size = by_level.get(m.level, 0)
        elif m.audience == Material.Audience.STATION:
            m.audience_size = by_station.get(m.station_id, 0)
        else:
            m.audience_size = everyone
        m.read_share = m.reader_count / m.audience_size if m.audience_size else None


@staff_only
@require_http_methods(["GET"])
def staff_materials(request):
    """The materials the user manages, newest first, drafts included, with their readers."""
    materials = (
        Material.objects.filter(services.staff_scope_q(request.user))
        .select_related("station__town")
        .annotate(reader_count=Count("reads"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(materials, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    _audience_sizes(page.object_list)
    context = _page_context(request, _("Study materials"), page=page)
    return render(request, "study/staff_materials.html", context)


def _form_fields(form) -> dict:
    d = form.cleaned_data
    return {name: d.get(name) for name in services.EDITABLE_FIELDS}


@staff_only
@require_http_methods(["GET", "POST"])
def staff_material_new(request):
    """Create a material, published at once or kept as a draft."""
    form = MaterialForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                material = services.material_create(
                    actor=request.user,
                    file=form.cleaned_data.get("file"),
                    slides=form.cleaned_data.get("slides"),
                    publish=form.cleaned_data.get("publish", False),
                    **_form_fields(form),
                )
            except services.StudyError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The material is saved."))
                return redirect("study:staff_material", pk=material.pk)
        context = _page_context(request, _("New study material"), form=form)
        return render(request, "study/staff_material_form.html", context, status=400)
    context = _page_context(request, _("New study material"), form=form)
    return render(request, "study/staff_material_form.html", context)


@staff_only
@require_http_methods(["GET", "POST"])
def staff_material_edit(request, pk):
    """Change a material the user manages."""
    material = get_material_for_staff(request.user, pk)
    initial = {name: getattr(material, name) for name in services.EDITABLE_FIELDS}
    form = MaterialForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        material=material,
        initial=initial,
    )
    title = _("Edit study material")
    if request.method == "POST":
        if form.is_valid():
            try:
                services.material_edit(
                    material=material,
                    actor=request.user,
                    file=form.cleaned_data.get("file"),
                    slides=form.cleaned_data.get("slides"),
                    **_form_fields(form),
                )
            except services.StudyError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The material is saved."))
                return redirect("study:staff_material", pk=material.pk)
        context = _page_context(request, title, form=form, material=material)
        return render(request, "study/staff_material_form.html", context, status=400)
    context = _page_context(request, title, form=form, material=material)
    return render(request, "study/staff_material_form.html", context)


@staff_only
@require_http_methods(["GET"])
def staff_material(request, pk):
    """A material, its history and who of its audience read it."""
    material = get_material_for_staff(request.user, pk)
    reads = material.reads.select_related("representative").order_by("-read_at", "-pk")
    page = Paginator(reads, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    material.reader_count = page.paginator.count
    _audience_sizes([material])
    events = material.events.select_related("actor__representative")
    context = _page_context(request, material.title, material=material, page=page, events=events)
    return render(request, "study/staff_material.html", context)


@staff_only
@require_POST
def staff_material_publish(request, pk):
    material = get_material_for_staff(request.user, pk)
    try:
        services.material_publish(material=material, actor=request.user)
    except services.StudyError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The material is published."))
    return redirect("study:staff_material", pk=material.pk)


@staff_only
@require_POST
def staff_material_unpublish(request, pk):
    material = get_material_for_staff(request.user, pk)
    try:
        services.material_unpublish(material=material, actor=request.user)
    except services.StudyError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The material is back to draft."))
    return redirect("study:staff_material", pk=material.pk)


@staff_only
@require_http_methods(["GET"])
def staff_collective_study(request):
    """The stations' collective study sessions (entered in the admin as activities), newest
    first, with how many representatives attended and how many the station has."""
    roles = roles_for(request.user)
    activities = Activity.objects.filter(kind=Activity.Kind.COLLECTIVE_STUDY)
    if not roles.county:
        if roles.town_id is not None:
            activities = activities.filter(station__town_id=roles.town_id)
        else:
            activities = activities.filter(station_id=roles.station_id)
    # ``attendances`` is the points app's Attendance, reached by its relation name: study
    # stands below points and never imports it.
    activities = (
        activities.select_related("station__town")
        .annotate(
            present=Count("attendances", filter=Q(attendances__status="present"), distinct=True),
            members=Count("station__memberships", distinct=True),
        )
        .order_by("-date", "-pk")
    )
    page = Paginator(activities, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = _page_context(request, _("Collective study"), page=page)
    return render(request, "study/staff_collective.html", context)
