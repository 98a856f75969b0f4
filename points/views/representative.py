"""A representative's "My points" (履职积分), made for a phone: the year's total and grade,
points per category with the caps applied, progress toward each item's yearly cap, the rank
among representatives of the same level, the entries with their status, a claim form, and
an appeal against a rejection. Evidence is served only through an access-checked view."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from liaison.files import private_file_response
from petitions import access as petition_access
from points import access, services
from points.models import Appeal, PointEntry, Publication
from points.representative_forms import AppealForm, ClaimForm
from points.scoring import FIRST_YEAR

MY_POINTS = gettext_lazy("My points")  # the title a non-representative reads on these pages


def _year(value) -> int:
    """The year asked for in ``?year=``; this year for anything missing or out of range."""
    this_year = timezone.localdate().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        return this_year
    return year if FIRST_YEAR <= year <= this_year else this_year


def _post_only(view):
    """A form's target: POST only, but a GET (a bookmark, or the ``?next=`` of a sign-in after
    the session expired) goes to the points page rather than to a blank 405."""

    @require_http_methods(["GET", "HEAD", "POST"])
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return redirect("points:my_points")
        return view(request, *args, **kwargs)

    return wrapper


def _my_points_url(year: int) -> str:
    url = reverse("points:my_points")
    return url if year == timezone.localdate().year else f"{url}?year={year}"


def _done(year: int):
    """Back to the points page after a claim or an appeal is sent. The forms post to a
    fragment that brings their errors into view, and a browser carries a request's fragment
    over to a redirect that names none: "#top" (HTML's name for the top of the page) keeps
    the page at the message that says it was sent."""
    return redirect(_my_points_url(year) + "#top")


def entries_for_year(representative, year: int) -> list[PointEntry]:
    """The representative's entries of ``year``, newest first, with their rule and appeal:
    one query whatever their number."""
    return list(
        PointEntry.objects.filter(representative=representative, year=year)
        .select_related("rule", "appeal")
        .order_by("-date", "-pk")
    )


def _appeal_of(entry: PointEntry) -> Appeal | None:
    # select_related has cached the reverse one-to-one, present or absent: no query.
    try:
        return entry.appeal
    except Appeal.DoesNotExist:
        return None


def _render_page(
    request, rep, year, *, claim_form=None, appeal_form=None, appeal_entry_id=None, status=200
):
    today = timezone.localdate()
    summary = services.year_summary(representative=rep, year=year)
    # Claims are accepted for this year and last year (services.point_entry_claim), in a year
    # not yet published.
    can_claim = year >= today.year - 1
    published = can_claim and Publication.objects.filter(year=year).exists()
    can_claim = can_claim and not published
    claimable = [row["rule"] for row in summary["progress"] if row["rule"].claimable]
    if claim_form is None and can_claim and claimable:
        initial = {"on": today if year == today.year else None, "quantity": 1}
        claim_form = ClaimForm(year=year, rules=claimable, initial=initial)
    rows = []
    for entry in entries_for_year(rep, year):
        appeal = _appeal_of(entry)
        form = None
        if entry.status == PointEntry.Status.REJECTED and appeal is None:
            form = appeal_form if entry.pk == appeal_entry_id else AppealForm(prefix=entry.pk)
        rows.append({"entry": entry, "appeal": appeal, "appeal_form": form})
    years = sorted({today.year, today.year - 1, year}, reverse=True)
    context = {
        "rep": rep,
        "year": year,
        "summary": summary,
        "progress": [row for row in summary["progress"] if row["cap"] is not None],
        "deductions": [row for row in summary["progress"] if row["cap"] is None],
        "rows": rows,
        "claim_form": claim_form if can_claim and claimable else None,
        "published": published,
        "appeal_entry_id": appeal_entry_id,
        "years": [(y, _my_points_url(y)) for y in years],
        "today": today,
    }
    return render(request, "points/my_points.html", context, status=status)


@login_required
@require_GET
@petition_access.representative_required(MY_POINTS)
def my_points(request, rep):
    """The year's points of the signed-in representative (?year= for an earlier year)."""
    return _render_page(request, rep, _year(request.GET.get("year")))


@login_required
@_post_only
@petition_access.representative_required(MY_POINTS)
def claim(request, rep):
    """Claim an item (a deed done, a report to voters) with its evidence."""
    year = _year(request.POST.get("year"))
    claimable = [rule for rule in services.rules_for_year(year).values() if rule.claimable]
    form = ClaimForm(request.POST, request.FILES, year=year, rules=claimable)
    if form.is_valid():
        d = form.cleaned_data
        try:
            entry = services.point_entry_claim(
                representative=rep,
                rule=d["rule"],
                on=d["on"],
                quantity=d["quantity"],
                description=d["description"],
                evidence=d["evidence"],
                actor=request.user,
            )
        except services.PointsError as error:
            form.add_error(None, error.message)
        else:
            if entry.status == PointEntry.Status.APPROVED:
                messages.success(request, _("Your item has been counted."))
            else:
                messages.success(request, _("Your claim has been sent; staff will review it."))
            return _done(entry.year)
    return _render_page(request, rep, year, claim_form=form, status=400)


@login_required
@_post_only
@petition_access.representative_required(MY_POINTS)
def appeal(request, pk, rep):
    """Appeal a rejected entry of one's own, once."""
    entry = access.get_entry_for_representative(rep, pk)
    form = AppealForm(request.POST, prefix=entry.pk)
    if form.is_valid():
        try:
            services.point_entry_appeal(
                entry=entry, actor=request.user, text=form.cleaned_data["text"]
            )
        except services.PointsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your appeal has been sent; staff will answer it."))
            return _done(entry.year)
    if form.non_field_errors():
        # Shown at the top of the page too: an entry already appealed has no form any more.
        messages.error(request, " ".join(form.non_field_errors()))
    return _render_page(
        request, rep, entry.year, appeal_form=form, appeal_entry_id=entry.pk, status=400
    )


@login_required
@require_GET
def evidence(request, pk):
    """An entry's evidence, to the representative who owns it and to reviewing staff."""
    entry = access.get_entry_evidence_for_user(request.user, pk)
    name = entry.evidence.name.lower()
    if name.endswith((".jpg", ".jpeg")):
        # Re-encoded by petitions.photos.clean_photo: safe to show inline.
        return private_file_response(entry.evidence, content_type="image/jpeg")
    # A document is downloaded, never rendered in the portal's origin.
    is_pdf = name.endswith(".pdf")
    return private_file_response(
        entry.evidence,
        content_type="application/pdf" if is_pdf else "application/octet-stream",
        as_attachment=True,
        filename=f"evidence-{entry.pk}{'.pdf' if is_pdf else ''}",
    )


urlpatterns = [
    path("me/points/", my_points, name="my_points"),
    path("me/points/claim/", claim, name="claim"),
    path("me/points/entries/<int:pk>/appeal/", appeal, name="appeal"),
    path("me/points/entries/<int:pk>/evidence/", evidence, name="evidence"),
]
