"""The star ratings' staff pages (issue #14, part A): a year's stations with their stars,
measured and hand totals; one station's year with its measured criteria (formula and
inputs, read only) and the hand-scored ones as a form. Who sees and rates what is
``measures.ratings``' rule; out of scope is 404."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from liaison.awards import awards_locked
from liaison.models import RatingScore, StationRating
from measures import ratings

FIRST_YEAR, LAST_YEAR = 2000, 2100


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)


def hand_form_class(criteria):
    """A form with one score (0..max, one decimal) per hand-scored criterion, and notes."""
    fields = {
        f"c{c.pk}": forms.DecimalField(
            label=c.name,
            min_value=0,
            max_value=c.max_score,
            max_digits=4,
            decimal_places=1,
            help_text=c.get_group_display(),
        )
        for c in criteria
    }
    fields["notes"] = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    return type("HandScoresForm", (forms.Form,), fields)


def _year_of(request) -> tuple[int, YearForm]:
    today = timezone.localdate()
    if "year" not in request.GET:
        return today.year, YearForm(initial={"year": today.year})
    form = YearForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["year"], form
    return today.year, form


@login_required
@require_GET
def rating_list(request):
    """The stations the user may see, with their stars of the year, the measured total
    (from the records now) and the hand total (as saved)."""
    if not ratings.is_congress_staff(request.user):
        raise Http404
    year, form = _year_of(request)
    stations = list(
        ratings.stations_for_viewer(request.user)
        .filter(is_active=True)
        .select_related("town")
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=StationRating.objects.filter(year=year).prefetch_related(
                    Prefetch("scores", queryset=RatingScore.objects.select_related("criterion"))
                ),
                to_attr="year_ratings",
            )
        )
        .order_by("town__order", "town__name", "name", "pk")
    )
    measured = ratings.measure_stations([s.pk for s in stations], year)
    rows = []
    for station in stations:
        rating = station.year_ratings[0] if station.year_ratings else None
        hand_total = None
        if rating is not None:
            hand_total = sum(
                (
                    s.score
                    for s in rating.scores.all()
                    if s.criterion.is_active
                    and not (s.criterion.is_measured and s.criterion.code in ratings.MEASURED_CODES)
                ),
                Decimal(0),
            )
        rows.append(
            {
                "station": station,
                "rating": rating,
                "measured_total": sum((m.score for m in measured[station.pk]), Decimal(0)),
                "hand_total": hand_total,
            }
        )
    return render(
        request,
        "measures/rating_list.html",
        {"form": form, "year": year, "rows": rows, "locked": awards_locked(year)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rating_detail(request, year: int, station_id: int):
    """One station's year: measured criteria (read only) and the hand-scored ones (a form
    for those who may rate). Save writes the scores and recomputes the stars."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    station = ratings.get_station_for_viewer(request.user, station_id)
    may_rate = ratings.may_rate(request.user, station)
    if request.method == "POST" and not may_rate:
        raise PermissionDenied
    rating = (
        StationRating.objects.filter(station=station, year=year)
        .select_related("rated_by")
        .prefetch_related("scores")
        .first()
    )
    saved = {s.criterion_id: s.score for s in rating.scores.all()} if rating else {}
    criteria = ratings.hand_criteria()
    Form = hand_form_class(criteria)
    locked = awards_locked(year)
    if request.method == "POST":
        form = Form(request.POST)
        if form.is_valid():
            scores = {c.pk: form.cleaned_data[f"c{c.pk}"] for c in criteria}
            try:
                ratings.rating_save(
                    station=station,
                    year=year,
                    actor=request.user,
                    hand_scores=scores,
                    notes=form.cleaned_data["notes"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The rating is saved; the stars follow from it."))
                return redirect(reverse("measures:rating_detail", args=[year, station.pk]))
    else:
        initial = {f"c{c.pk}": saved.get(c.pk) for c in criteria}
        initial["notes"] = rating.notes if rating else ""
        form = Form(initial=initial)
    measurements = ratings.measure(station, year)
    return render(
        request,
        "measures/rating_detail.html",
        {
            "station": station,
            "year": year,
            "rating": rating,
            "measurements": measurements,
            "measured_total": sum((m.score for m in measurements), Decimal(0)),
            "form": form,
            "score_fields": [form[f"c{c.pk}"] for c in criteria],
            "may_rate": may_rate and not locked,
            "locked": locked,
        },
    )


urlpatterns = [
    path("staff/ratings/", rating_list, name="rating_list"),
    path("staff/ratings/<int:year>/<int:station_id>/", rating_detail, name="rating_detail"),
]
