"""Staff see the outreach visits (主动出诊 / 代表家访) by town and month, scoped like the
concerns (``rules.visit_scope``). Read-only: a visit is its representative's record. Staff
given the delete permission may delete a mistaken one without concerns (one with concerns is
protected by them, ``Petition.visit``); its points entry is then kept as withdrawn."""

from datetime import date

from django.contrib import admin
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.models import Town
from liaison.paging import LongListAdminMixin, YearMonthFilter
from liaison.roles import roles_for
from petitions import rules
from petitions.models import Visit


class VisitMonthFilter(YearMonthFilter):
    """The year/month filter on the visit's own date (a date, not a time)."""

    title = _("date of the visit")
    parameter_name = "month"
    field_name = "date"

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        first = model_admin.get_queryset(request).order_by().aggregate(first=Min("date"))["first"]
        first_year = min(first.year, this_year) if first else this_year
        choices = [(str(y), str(y)) for y in range(this_year, first_year - 1, -1)]
        chosen = self._chosen()
        if chosen is not None:
            year = str(chosen[0])
            at = choices.index((year, year)) + 1 if (year, year) in choices else 0
            choices[at:at] = [
                (
                    f"{year}-{m:02d}",
                    gettext("%(year)d, month %(month)d") % {"year": chosen[0], "month": m},
                )
                for m in range(1, 13)
            ]
        return choices

    def queryset(self, request, queryset):
        chosen = self._chosen()
        if chosen is None:
            return queryset
        year, month = chosen
        if month is None:
            start, end = date(year, 1, 1), date(year + 1, 1, 1)
        else:
            start = date(year, month, 1)
            end = date(year + month // 12, month % 12 + 1, 1)
        return queryset.filter(date__gte=start, date__lt=end)


class VisitTownFilter(admin.SimpleListFilter):
    """The towns, listed whole (a short table), not the towns that occur among visits."""

    title = _("town")
    parameter_name = "town"

    def lookups(self, request, model_admin):
        return [(str(t.pk), t.name) for t in Town.objects.order_by("order", "name")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(town_id=int(self.value()))
        return queryset


@admin.register(Visit)
class VisitAdmin(LongListAdminMixin, admin.ModelAdmin):
    list_display = ["date", "place", "place_kind", "representative", "town", "concern_count"]
    list_filter = [VisitTownFilter, VisitMonthFilter, "place_kind"]
    list_select_related = ["representative", "town"]
    search_fields = ["place", "representative__name"]
    ordering = ["-date", "-pk"]
    readonly_fields = [
        "representative",
        "date",
        "place_kind",
        "place",
        "town",
        "village",
        "fellows",
        "people_count",
        "people_note",
        "note",
        "created_at",
    ]
    exclude = ["recorded_by"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(concern_count=Count("petitions"))
        return qs.filter(rules.visit_scope(roles_for(request.user)))

    @admin.display(description=_("concerns"), ordering="concern_count")
    def concern_count(self, obj):
        return obj.concern_count

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
