"""The mediation pages: the list, one mediation with its forms, the signed scan, the open
button's POST, and the staff's summary. Thin: parse, check access first, call one service."""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from liaison.files import private_file_response
from liaison.roles import roles_for
from mediation import access, services
from mediation.forms import (
    CloseForm,
    ListFilterForm,
    MediatorsForm,
    PartyForm,
    SessionForm,
    SummaryForm,
)
from mediation.models import Mediation, MediationEvent, Session
from mediation.summary import mediation_summary
from petitions import statistics
from petitions.access import get_petition_for_user
from petitions.errors import WorkflowError

ROWS_PER_PAGE = 30


def detail_queryset():
    """Everything the detail page shows, in a fixed number of queries."""
    return Mediation.objects.select_related(
        "petition__category",
        "petition__village",
        "town",
        "station",
        "legal_worker__representative",
    ).prefetch_related(
        "representatives",
        "parties",
        Prefetch("sessions", queryset=Session.objects.prefetch_related("representatives")),
        Prefetch("events", queryset=MediationEvent.objects.select_related("actor__representative")),
    )


def _render_detail(request, mediation, *, bound=None, status=200):
    user = request.user
    manage = mediation.is_open and access.may_manage(user, mediation)
    act = access.may_act(user, mediation)
    forms = {}
    if manage:
        forms["party"] = PartyForm(auto_id="id_party_%s")
        forms["mediators"] = MediatorsForm(
            mediation=mediation,
            auto_id="id_mediators_%s",
            initial={
                "representatives": [r.pk for r in mediation.representatives.all()],
                "legal_worker": mediation.legal_worker_id,
            },
        )
    if act:
        forms["session"] = SessionForm(mediation=mediation, auto_id="id_session_%s")
        forms["close"] = CloseForm(auto_id="id_close_%s")
    if bound is not None:
        forms[bound[0]] = bound[1]
    parties = [
        (party, access.party_name_for(user, party.name)) for party in mediation.parties.all()
    ]
    context = {
        "mediation": mediation,
        "petition": mediation.petition,
        "parties": parties,
        "forms": forms,
        "open_form": bound[0] if bound is not None else "",
    }
    return render(request, "mediation/detail.html", context, status=status)


@login_required
@require_GET
def mediation_detail(request, pk):
    mediation = access.get_mediation_for_user(request.user, pk, detail_queryset())
    return _render_detail(request, mediation)


def _act(name, form_class, perform, *, files=False, needs_mediation=False):
    """A POST on one mediation: check access, validate ``form_class``, call ``perform``."""

    @login_required
    @require_POST
    def view(request, pk):
        mediation = access.get_mediation_for_user(request.user, pk, detail_queryset())
        kwargs = {"mediation": mediation} if needs_mediation else {}
        form = form_class(
            request.POST, request.FILES if files else None, auto_id=f"id_{name}_%s", **kwargs
        )
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return _render_detail(request, mediation, bound=(name, form), status=400)
        try:
            perform(mediation, form.cleaned_data, request.user)
        except WorkflowError as error:
            messages.error(request, error.message)
            mediation = access.get_mediation_for_user(request.user, pk, detail_queryset())
            return _render_detail(request, mediation, status=error.status)
        messages.success(request, _("Saved."))
        return redirect("mediation:detail", pk=mediation.pk)

    view.__name__ = f"mediation_{name}"
    return view


mediation_party = _act(
    "party",
    PartyForm,
    lambda m, d, actor: services.party_add(
        mediation=m, name=d["name"], role=d["role"], note=d["note"], actor=actor
    ),
)
mediation_mediators = _act(
    "mediators",
    MediatorsForm,
    lambda m, d, actor: services.mediator_set(
        mediation=m,
        representatives=list(d["representatives"]),
        legal_worker=d["legal_worker"],
        actor=actor,
    ),
    needs_mediation=True,
)
mediation_session = _act(
    "session",
    SessionForm,
    lambda m, d, actor: services.session_add(
        mediation=m,
        held_on=d["held_on"],
        place=d["place"],
        representatives=list(d["representatives"]),
        others=d["others"],
        note=d["note"],
        actor=actor,
    ),
    needs_mediation=True,
)
mediation_close = _act(
    "close",
    CloseForm,
    lambda m, d, actor: services.mediation_close(
        mediation=m, outcome=d["outcome"], agreement=d["agreement"], scan=d["scan"], actor=actor
    ),
    files=True,
)


@login_required
@require_GET
def mediation_scan(request, pk):
    """The signed agreement, only for those who may see the mediation."""
    mediation = access.get_mediation_for_user(request.user, pk)
    if not mediation.scan:
        raise Http404
    return private_file_response(mediation.scan, as_attachment=True)


@login_required
@require_POST
def mediation_open(request, petition_pk):
    """开启调解 from the concern's work page."""
    petition = get_petition_for_user(request.user, petition_pk)
    try:
        mediation = services.mediation_open(petition=petition, actor=request.user)
    except WorkflowError as error:
        return render(
            request,
            "mediation/refused.html",
            {"message": error.message, "petition": petition},
            status=error.status,
        )
    messages.success(request, _("The mediation is open."))
    return redirect("mediation:detail", pk=mediation.pk)


def list_queryset():
    return (
        Mediation.objects.select_related("petition__category", "town", "station")
        .prefetch_related("representatives")
        .annotate(session_count=Count("sessions"))
    )


@login_required
@require_GET
def mediation_list(request):
    """The mediations a user may see: staff and mediators; filter by town, station, status."""
    if not roles_for(request.user).is_anyone:
        raise Http404
    form = ListFilterForm(request.GET)
    filters = form.filters()
    qs = access.mediations_for_user(request.user, list_queryset())
    if filters["town"] is not None:
        qs = qs.filter(town=filters["town"])
    if filters["station"] is not None:
        qs = qs.filter(station=filters["station"])
    if filters["status"]:
        qs = qs.filter(status=filters["status"])
    page = Paginator(qs.order_by("-opened_at", "-pk"), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mediation/list.html",
        {"page": page, "form": form, "query": query.urlencode()},
    )


def staff_only(view):
    """Signed-in congress staff in the administration (as the statistics); others 404."""

    @login_required
    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not statistics.may_see_statistics(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@staff_only
def mediation_summary_page(request):
    form = SummaryForm(request.GET)
    year = form.chosen_year()
    context = {
        **admin.site.each_context(request),
        "title": _("Mediations: success rate"),
        "form": form,
        "year": year,
        "summary": mediation_summary(user=request.user, year=year),
    }
    return render(request, "mediation/staff_summary.html", context)


urlpatterns = [
    path("mediations/", mediation_list, name="list"),
    path("mediations/<int:pk>/", mediation_detail, name="detail"),
    path("mediations/<int:pk>/parties/", mediation_party, name="party_add"),
    path("mediations/<int:pk>/mediators/", mediation_mediators, name="mediators"),
    path("mediations/<int:pk>/sessions/", mediation_session, name="session_add"),
    path("mediations/<int:pk>/close/", mediation_close, name="close"),
    path("mediations/<int:pk>/scan/", mediation_scan, name="scan"),
    path("mediations/open/<int:petition_pk>/", mediation_open, name="open"),
    path("staff/mediations/summary/", mediation_summary_page, name="summary"),
]
