"""Paging long lists (issue #12): a deep page costs about what the first page costs.

Django's paginator fetches page ``n`` as ``ORDER BY … LIMIT 100 OFFSET 99,900`` over the
whole joined row (select_related): the database builds and sorts every joined row to throw
all but a hundred away, on disk at 100,000 concerns. ``DeferredJoinPaginator`` finds the
page's ids first, on the narrow row the list's order index covers, and joins only those (a
"deferred join"), in the same single query:

    SELECT … FROM petition JOIN … WHERE petition.id IN (
        SELECT id FROM petition WHERE <scope and filters> ORDER BY <order> LIMIT 100 OFFSET n
    ) ORDER BY <order>

No library does this for the Django admin (django-admin-cursor-paginator drops page numbers,
which staff use to say "page 3 of the overdue list" to each other), hence this small class.
"""

import re
from datetime import datetime

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext


class DeferredJoinPaginator(Paginator):
    """A Paginator over a QuerySet whose pages select their ids first, then the rows.

    The order must be total (end with the primary key, as the admin's lists do): a page in
    the back half is read in the reversed order, which mirrors the order only then."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._slice(bottom, top), number, self)

    def _slice(self, bottom: int, top: int):
        qs = self.object_list
        if not isinstance(qs, QuerySet) or bottom == 0 or not qs.ordered:
            # The first page needs no offset: LIMIT over the order index is already cheap.
            return qs[bottom:top]
        if bottom > self.count - top:
            # A page in the back half is read from the end, in the reversed order, so the
            # last page skips nothing (it costs what the first page costs).
            ids = qs.reverse().values("pk")[self.count - top : self.count - bottom]
        else:
            ids = qs.values("pk")[bottom:top]
        # The outer query keeps the list's order, annotations and select_related: only
        # which rows it reads changes.
        return qs.filter(pk__in=ids)


class LongListAdminMixin:
    """For admin lists that grow without end (concerns, points entries): deep pages by
    deferred join, and one count per page instead of two (the unfiltered total is not
    shown beside the filtered one)."""

    paginator = DeferredJoinPaginator
    show_full_result_count = False


class YearMonthFilter(admin.SimpleListFilter):
    """A year, then a month of it, of the date ``field_name``: the years from the user's
    first row (one probe of the column's index) to this one, and the chosen year's months.

    It replaces Django's ``date_hierarchy``, which on every page reads every row the user
    may see to list the years (then months) that occur: a DISTINCT over the whole table.
    Subclasses set ``title``, ``parameter_name`` and ``field_name``."""

    field_name = "created_at"

    def _chosen(self):
        """(year, month or None) from the parameter, or None when there is none or it is
        not a date (ignored, like any filter value the admin does not know)."""
        match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", self.value() or "")
        if not match:
            return None
        year, month = int(match[1]), int(match[2]) if match[2] else None
        if not 1 <= year <= 9998 or (month is not None and not 1 <= month <= 12):
            return None
        return year, month

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        rows = model_admin.get_queryset(request).order_by()
        first = rows.aggregate(first=Min(self.field_name))["first"]
        first_year = min(timezone.localtime(first).year, this_year) if first else this_year
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
            start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
        else:
            start = datetime(year, month, 1)
            end = datetime(year + month // 12, month % 12 + 1, 1)
        # A range on the column itself (not a function of it), so its index serves it.
        return queryset.filter(
            **{
                f"{self.field_name}__gte": timezone.make_aware(start),
                f"{self.field_name}__lt": timezone.make_aware(end),
            }
        )
