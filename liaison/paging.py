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

from django.core.paginator import Paginator
from django.db.models import QuerySet


class DeferredJoinPaginator(Paginator):
    """A Paginator over a QuerySet whose pages select their ids first, then the rows."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._slice(bottom, top), number, self)

    def _slice(self, bottom: int, top: int):
        qs = self.object_list
        if not isinstance(qs, QuerySet) or bottom == 0:
            # The first page needs no offset: LIMIT over the order index is already cheap.
            return qs[bottom:top]
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
