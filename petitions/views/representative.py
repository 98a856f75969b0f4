"""A representative's pages, made for a phone: the task list, recording a walk-in
reception (接待选民) and a 随手拍; and the in-app notices of every signed-in user."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison import qrcodes
from liaison.models import DutyShift, StationMembership
from liaison.roles import roles_for
from petitions import access, notifications, services
from petitions.errors import WorkflowError
from petitions.models import HANDLING_STEPS, Petition, Reception, Step
from petitions.representative_forms import ReceptionForm, ReceptionTickForm, SnapshotForm
from petitions.tracking import tracking_url

SECTION_ROWS = 30  # rows shown per section of the task list; the badge counts them all
DUTY_DAYS_SHOWN = 10  # upcoming duty days on the task list: a few months of a monthly roster
NOTICES_PER_PAGE = 30
RECEPTIONS_PER_PAGE = 20
MY_TASKS = gettext_lazy("My tasks")  # the title a non-representative reads on these pages


def overdue_q(today) -> Q:
    """Assigned or supervised and past its deadline, or already carded red by the job."""
    return Q(step__in=HANDLING_STEPS) & (Q(deadline__lt=today) | Q(warning=Petition.Warning.RED))


def task_queryset(user, roles):
    """The concerns a representative answers for: addressed to them, received at one of
    their stations or from a village of their grids (网格), minus any that accuse them
    (access.petitions_for_user)."""
    mine = Q(representative_id=roles.representative_id)
    if roles.rep_station_ids:
        mine |= Q(station_id__in=roles.rep_station_ids)
    if roles.grid_village_ids:
        mine |= Q(village_id__in=roles.grid_village_ids)
    today = timezone.localdate()
    return (
        access.petitions_for_user(user)
        .filter(mine)
        .select_related("category", "unit", "station", "town", "visit")
        .annotate(is_overdue=ExpressionWrapper(overdue_q(today), output_field=BooleanField()))
    )


@login_required
@require_GET
@access.representative_required(MY_TASKS)
def my_tasks(request, rep):
    """A representative's task list: what to collect, follow up, call about, chase."""
    roles = roles_for(request.user)
    today = timezone.localdate()
    qs = task_queryset(request.user, roles)
    overdue = overdue_q(today)
    sections = [
        # (key, title, hint, filter, order)
        (
            "collect",
            _("New concerns to collect"),
            _("Check them, then classify them or decline them with guidance."),
            Q(step=Step.RECEIVED),
            ("collect_by", "created_at"),
        ),
        (
            "overdue",
            _("Overdue"),
            _("Past the deadline: remind the unit, or tell the congress staff."),
            overdue,
            ("deadline", "pk"),
        ),
        (
            "follow_up",
            _("Awaiting your follow-up"),
            _("With a handling unit: add supervision notes and reminders."),
            Q(step__in=HANDLING_STEPS) & ~overdue,
            ("deadline", "pk"),
        ),
        (
            "survey",
            _("Awaiting a survey call"),
            _("The result is reported: call the citizen and record their rating."),
            Q(step=Step.REPORTED),
            ("reported_at", "pk"),
        ),
    ]
    counts = qs.aggregate(**{key: Count("pk", filter=q) for key, _t, _h, q, _o in sections})
    context_sections = [
        {
            "key": key,
            "title": title,
            "hint": hint,
            "count": counts[key],
            "rows": list(qs.filter(q).order_by(*order)[:SECTION_ROWS]),
        }
        for key, title, hint, q, order in sections
    ]
    duties = (
        StationMembership.objects.filter(representative=rep, station__is_active=True)
        .select_related("station")
        .order_by("station__name")
    )
    # The roster staff plan in advance (接待日): the days still to come, not cancelled.
    duty_shifts = (
        DutyShift.objects.filter(
            representative=rep, duty_day__date__gte=today, duty_day__is_cancelled=False
        )
        .select_related("duty_day__station")
        .order_by("duty_day__date", "duty_day__station__name")[:DUTY_DAYS_SHOWN]
    )
    return render(
        request,
        "petitions/my_tasks.html",
        {
            "rep": rep,
            "sections": context_sections,
            "duties": duties,
            "duty_shifts": duty_shifts,
            "section_rows": SECTION_ROWS,
            "today": today,
        },
    )


# The forms below carry a one-time key and their result pages a tracking link: never cached
# (a cached form would hand out the same key twice). The site-wide same-origin referrer
# policy keeps the link from leaving for other sites; "no-referrer" (the citizen's tracking
# pages) would make browsers post these forms with "Origin: null", which the CSRF check
# rightly refuses.
@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@access.representative_required(MY_TASKS)
def reception_new(request, rep):
    """Record a walk-in reception at one of the representative's stations, with or without
    a concern."""
    if request.method == "POST":
        form = ReceptionForm(request.POST, representative=rep)
        if form.is_valid():
            d = form.cleaned_data
            try:
                reception, token, created = services.reception_record(
                    representative=rep,
                    station=d["station"],
                    actor=request.user,
                    text=d["text"],
                    matter=d["matter"],
                    category=d["category"],
                    citizen_name=d["citizen_name"],
                    citizen_phone=d["citizen_phone"],
                    consent=d["consent"],
                    checklist=form.checklist,
                    submit_key=d["submit_key"],
                )
            except WorkflowError as error:
                messages.error(request, error.message)
            else:
                if token is None:
                    if created:
                        messages.success(request, _("Reception recorded."))
                    return redirect("petitions:reception_detail", pk=reception.pk)
                # Shown once, now, to be read out or printed for the citizen. A replay of
                # the same form (refresh, double tap) shows the same concern again.
                url = tracking_url(token)
                return render(
                    request,
                    "petitions/reception_done.html",
                    {
                        "petition": reception.petition,
                        "reception": reception,
                        "created": created,
                        "tracking_url": url,
                        "qr_svg": qrcodes.qr_svg_inline(url),
                    },
                )
        return render(request, "petitions/reception_form.html", {"form": form}, status=400)
    form = ReceptionForm(representative=rep)
    return render(request, "petitions/reception_form.html", {"form": form})


def _my_receptions(rep):
    return Reception.objects.filter(representative=rep).select_related(
        "station", "petition", "petition__category"
    )


@login_required
@require_GET
@access.representative_required(MY_TASKS)
def reception_list(request, rep):
    """The representative's own receptions, newest first, with the six items' state."""
    page = Paginator(_my_receptions(rep).order_by("-created_at", "-pk"), RECEPTIONS_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    return render(request, "petitions/reception_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
@access.representative_required(MY_TASKS)
def reception_detail(request, pk, rep):
    """A reception's page; without a concern, the place to tick its feedback and the
    visitor's satisfaction once they are so."""
    reception = get_object_or_404(_my_receptions(rep), pk=pk)
    form = None
    if reception.petition_id is None:
        if request.method == "POST":
            form = ReceptionTickForm(request.POST)
            if form.is_valid():
                services.reception_tick(
                    reception=reception,
                    representative=rep,
                    feedback=form.cleaned_data["feedback"],
                    satisfied=form.cleaned_data["satisfied"],
                )
                messages.success(request, _("Reception updated."))
                return redirect("petitions:reception_detail", pk=reception.pk)
        else:
            form = ReceptionTickForm(
                initial={"feedback": reception.feedback, "satisfied": reception.satisfied}
            )
    elif request.method == "POST":
        return render(
            request,
            "petitions/reception_detail.html",
            {"reception": reception, "form": None},
            status=400,
        )
    return render(
        request, "petitions/reception_detail.html", {"reception": reception, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@access.representative_required(MY_TASKS)
def snapshot_new(request, rep):
    """Post a 随手拍: photos and a note that become a concern of channel snapshot."""
    if request.method == "POST":
        form = SnapshotForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                petition, created = services.snapshot_create(
                    representative=rep,
                    actor=request.user,
                    text=d["text"],
                    photos=d["photos"],
                    village=d["village"],
                    submit_key=d["submit_key"],
                )
            except WorkflowError as error:
                messages.error(request, error.message)
            else:
                if created:
                    messages.success(
                        request,
                        _("Snapshot %(no)s received. Collect it when you are ready.")
                        % {"no": petition.tracking_no},
                    )
                return redirect("petitions:work_detail", pk=petition.pk)
        return render(request, "petitions/snapshot_form.html", {"form": form}, status=400)
    return render(request, "petitions/snapshot_form.html", {"form": SnapshotForm()})


def notices_for(user):
    """The user's notices, each marked ``in_scope`` when the user may still see its concern
    (a notice outlives that right: a unit returns an assignment, another unit gets it)."""
    visible = access.petitions_for_user(user).filter(pk=OuterRef("petition_id"))
    return notifications.notices_of(user).annotate(in_scope=Exists(visible))


@login_required
@require_GET
def notices(request):
    """The signed-in user's notices, newest first; unread ones stand out. A notice links to
    its concern while the user may see it; after that it says the concern has left them."""
    page = Paginator(notices_for(request.user), NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "petitions/notices.html", {"page": page})


@login_required
@require_GET
def notice_detail(request, pk):
    """A notice's own page, where its e-mail links: on to its concern while the user may see
    it; otherwise the notice, saying in words that the concern is no longer theirs (not a
    404, which would tell them nothing)."""
    notice = get_object_or_404(notices_for(request.user), pk=pk)
    if notice.in_scope:
        return redirect("petitions:work_detail", pk=notice.petition_id)
    return render(request, "petitions/notice_detail.html", {"notice": notice})


@login_required
@require_POST
def notices_mark_read(request):
    """Mark every notice of the signed-in user read."""
    changed = notifications.mark_read(user=request.user)
    if changed:
        messages.success(request, _("All notices marked as read."))
    return redirect("petitions:notices")


urlpatterns = [
    path("me/tasks/", my_tasks, name="my_tasks"),
    path("me/reception/", reception_new, name="reception_new"),
    path("me/receptions/", reception_list, name="reception_list"),
    path("me/receptions/<int:pk>/", reception_detail, name="reception_detail"),
    path("me/snapshot/", snapshot_new, name="snapshot_new"),
    path("me/notices/", notices, name="notices"),
    path("me/notices/read/", notices_mark_read, name="notices_mark_read"),
    path("me/notices/<int:pk>/", notice_detail, name="notice"),
]
