"""The key issues' pages: the list (staff and representatives), an issue's page with its
notes, concerns and forms, creating and editing (the station's, town's and county staff),
and the staff's coverage of a quarter. Each view checks access first (``keyissues.access``);
out of scope is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keyissues import access, services
from keyissues.forms import (
    PICKABLE_CONCERNS,
    KeyIssueFilterForm,
    KeyIssueForm,
    NoteForm,
    QuarterForm,
    StateForm,
)
from keyissues.models import KeyIssue
from liaison.models import Representative, Station
from petitions.access import petitions_for_user
from petitions.models import Petition

ISSUES_PER_PAGE = 25


@login_required
@require_GET
def issue_list(request):
    """The key issues the user may see: this quarter by default, filtered, a page at a time."""
    issues = access.key_issues_for_user(request.user)
    roles_see_nothing = issues.query.is_empty()
    if roles_see_nothing:
        raise Http404
    today = timezone.localdate()
    data = request.GET.copy()
    if "year" not in data:
        data.setdefault("year", str(today.year))
        data.setdefault("quarter", str(services.quarter_of(today)))
    form = KeyIssueFilterForm(data, stations=_list_stations(request.user))
    filters = form.filters()
    if filters["year"]:
        issues = issues.filter(year=filters["year"])
    if filters["quarter"]:
        issues = issues.filter(quarter=filters["quarter"])
    if filters["town"] is not None:
        issues = issues.filter(station__town=filters["town"])
    if filters["station"] is not None:
        issues = issues.filter(station=filters["station"])
    if filters["state"]:
        issues = issues.filter(state=filters["state"])
    issues = (
        issues.select_related("station__town")
        .annotate(note_count=Count("notes"))
        .prefetch_related(
            Prefetch("representatives", queryset=Representative.objects.order_by("name", "pk"))
        )
        .order_by("-year", "-quarter", "station__town__order", "station__name", "pk")
    )
    page = Paginator(issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in data.items() if k != "page" and v})
    return render(
        request,
        "keyissues/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "may_create": access.stations_for_editor(request.user).exists(),
        },
    )


def _list_stations(user):
    """The stations the list's filter offers: the editor's, or the representative's."""
    editable = access.stations_for_editor(user)
    from_roles = Station.objects.active().filter(
        pk__in=access.key_issues_for_user(user).values("station_id")
    )
    return (editable | from_roles).distinct().order_by("town__order", "name", "pk")


def _detail_issue(user, pk) -> KeyIssue:
    return access.get_key_issue_for_user(
        user, pk, KeyIssue.objects.select_related("station__town", "created_by")
    )


@login_required
@require_GET
def issue_detail(request, pk):
    issue = _detail_issue(request.user, pk)
    return _render_detail(request, issue)


def _render_detail(request, issue, *, note_form=None, state_form=None, status=200):
    reps = list(issue.representatives.order_by("name", "pk"))
    rep_ids = {r.pk for r in reps}
    may_edit = access.may_edit(request.user, issue)
    may_note = access.may_add_note(request.user, issue, rep_ids)
    context = {
        "issue": issue,
        "representatives": reps,
        "petitions": issue.petitions.select_related("category").order_by("-created_at", "-pk"),
        "notes": issue.notes.select_related("by"),
        "may_edit": may_edit,
        "may_note": may_note,
        "note_form": note_form
        or (NoteForm(initial={"date": timezone.localdate()}) if may_note else None),
        "state_form": state_form
        or (
            StateForm(
                initial={
                    "from_state": issue.state,
                    "state": issue.state,
                    "result": issue.result,
                    "result_date": issue.result_date,
                }
            )
            if may_edit
            else None
        ),
    }
    return render(request, "keyissues/detail.html", context, status=status)


@login_required
@require_POST
def issue_note(request, pk):
    issue = _detail_issue(request.user, pk)
    rep_ids = set(issue.representatives.values_list("pk", flat=True))
    if not access.may_add_note(request.user, issue, rep_ids):
        raise Http404
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.key_issue_note_add(
                issue=issue,
                text=form.cleaned_data["text"],
                on=form.cleaned_data["date"],
                actor=request.user,
            )
        except services.KeyIssueError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The progress note is added."))
            return redirect(issue)
    return _render_detail(request, issue, note_form=form, status=400)


@login_required
@require_POST
def issue_state(request, pk):
    issue = _detail_issue(request.user, pk)
    if not access.may_edit(request.user, issue):
        raise Http404
    form = StateForm(request.POST)
    status = 400
    if form.is_valid():
        issue.state = form.cleaned_data["from_state"]  # the state the user saw
        try:
            services.key_issue_conclude(
                issue=issue,
                state=form.cleaned_data["state"],
                result=form.cleaned_data["result"],
                result_date=form.cleaned_data["result_date"],
                actor=request.user,
            )
        except services.KeyIssueError as error:
            form.add_error(None, error.message)
            status = error.status
            issue.refresh_from_db()
        else:
            messages.success(request, _("The key issue's state is saved."))
            return redirect(issue)
    return _render_detail(request, issue, state_form=form, status=status)


def _concerns_of(user, station, linked=()):
    """The station's latest concerns ``user`` may see, and those already ``linked``: no
    accusation (confidential)."""
    qs = Petition.objects.filter(station=station).exclude(category__is_accusation=True)
    latest = petitions_for_user(user, qs).order_by("-created_at", "-pk")
    ids = [*latest.values_list("pk", flat=True)[:PICKABLE_CONCERNS], *linked]
    return Petition.objects.filter(pk__in=ids).order_by("-created_at", "-pk")


@login_required
@require_http_methods(["GET", "POST"])
def issue_create(request):
    stations = access.stations_for_editor(request.user).select_related("town")
    if not stations.exists():
        raise Http404
    station = None
    station_id = request.POST.get("station") or request.GET.get("station")
    if station_id:
        try:
            station = stations.get(pk=int(station_id))
        except (ValueError, Station.DoesNotExist):
            raise Http404 from None
    elif stations.count() == 1:
        station = stations.get()
    if station is None:
        return render(
            request,
            "keyissues/pick_station.html",
            {"stations": stations.order_by("town__order", "name", "pk")},
        )
    form = KeyIssueForm(
        request.POST or None, station=station, concerns=_concerns_of(request.user, station)
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                issue = services.key_issue_create(
                    station=station,
                    year=data["year"],
                    quarter=data["quarter"],
                    title=data["title"],
                    topic=data["topic"],
                    plan=data["plan"],
                    petitions=data["petitions"],
                    representatives=data["representatives"],
                    actor=request.user,
                )
            except services.KeyIssueError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The key issue is created."))
                return redirect(issue)
    return render(
        request,
        "keyissues/form.html",
        {"form": form, "station": station, "issue": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue_edit(request, pk):
    issue = _detail_issue(request.user, pk)
    if not access.may_edit(request.user, issue):
        raise Http404
    form = KeyIssueForm(
        request.POST or None,
        instance=issue,
        station=issue.station,
        concerns=_concerns_of(
            request.user, issue.station, issue.petitions.values_list("pk", flat=True)
        ),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.key_issue_update(
                    issue=issue,
                    title=data["title"],
                    topic=data["topic"],
                    plan=data["plan"],
                    petitions=data["petitions"],
                    representatives=data["representatives"],
                    actor=request.user,
                )
            except services.KeyIssueError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The key issue is saved."))
                return redirect(issue)
    return render(
        request,
        "keyissues/form.html",
        {"form": form, "station": issue.station, "issue": issue},
        status=status,
    )


@login_required
@require_GET
def coverage(request):
    """A quarter's stations with no key issue, and each key issue's state (staff)."""
    stations = access.stations_for_editor(request.user)
    if not access.is_congress_staff(request.user):
        raise Http404
    today = timezone.localdate()
    form = QuarterForm(request.GET or None)
    year, quarter = today.year, services.quarter_of(today)
    if form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    else:
        form = QuarterForm(initial={"year": year, "quarter": quarter})
    without, issues = services.coverage(
        year=year, quarter=quarter, stations=stations.order_by("town__order", "name", "pk")
    )
    return render(
        request,
        "keyissues/coverage.html",
        {
            "form": form,
            "year": year,
            "quarter": quarter,
            "without": without,
            "issues": issues,
            "station_count": len(without) + len({i.station_id for i in issues}),
        },
    )


urlpatterns = [
    path("key-issues/", issue_list, name="list"),
    path("key-issues/new/", issue_create, name="create"),
    path("key-issues/<int:pk>/", issue_detail, name="detail"),
    path("key-issues/<int:pk>/edit/", issue_edit, name="edit"),
    path("key-issues/<int:pk>/note/", issue_note, name="note"),
    path("key-issues/<int:pk>/state/", issue_state, name="state"),
    path("staff/key-issues/coverage/", coverage, name="coverage"),
]
