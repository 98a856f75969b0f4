"""What the points lists that grow with the years share (issue #12): a year filter that
costs two index probes, and search through the small tables a name lives in.

At 100,000 entries Django's defaults each read the whole big table on every page: a
``list_filter`` on a plain column lists its values by a DISTINCT over every row, the date
hierarchy runs MIN/MAX and a DISTINCT over the filtered rows, and ``search_fields`` across a
relation is ``UPPER(name) LIKE '%…%'`` on every joined row (three times: the count, the
list, and the full count). Here the years come from the first and last date (the date's
index answers both), and a name is looked up among the 1,500 representatives first.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Max, Min, Q, QuerySet
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from liaison.models import Representative


class YearListFilter(admin.SimpleListFilter):
    """By year, offering every year from the list's first date to its last.

    Django's filter on ``year`` listed the years that have rows by a DISTINCT over the whole
    table; a year between the first and the last with no rows at all is offered too now,
    and lists nothing."""

    title = _("year")
    parameter_name = "year"
    # The date the years come from (indexed), and the lookups that keep a year's rows.
    date_field = "date"
    lookups_of_year = ("year",)

    def lookups(self, request, model_admin):
        span = model_admin.get_queryset(request).aggregate(
            first=Min(self.date_field), last=Max(self.date_field)
        )
        if span["first"] is None:
            return []
        return [(str(y), str(y)) for y in range(span["first"].year, span["last"].year + 1)]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(value)
        return queryset.filter(**{lookup: int(value) for lookup in self.lookups_of_year})


class EntryYearListFilter(YearListFilter):
    """By an entry's year. The year is its date's (``PointEntry.save``), so the date's
    bounds keep the same rows; they let the list walk its index over that year alone
    instead of over every later entry."""

    lookups_of_year = ("year", "date__year")


class DateYearListFilter(YearListFilter):
    """By the year of ``date``, in place of a date hierarchy (whose years, months and days
    cost a MIN/MAX and a DISTINCT over the filtered rows on every page). The parameter is
    the hierarchy's, so its links still choose the year."""

    parameter_name = "date__year"
    lookups_of_year = ("date__year",)


def search_words(search_term: str) -> list[str]:
    """The words of a search, as Django's admin splits them (quotes keep a phrase)."""
    words = []
    for word in smart_split(search_term):
        if word.startswith(('"', "'")) and word[0] == word[-1]:
            word = unescape_string_literal(word)
        words.append(word)
    return words


def representatives_named(word: str) -> QuerySet:
    """The ids of the representatives whose name holds ``word``: a scan of the small table,
    to filter the big one by its indexed foreign key."""
    return Representative.objects.filter(name__icontains=word).values("pk")


class SubquerySearchMixin:
    """Search each word through ``search_q`` (ids looked up in the small tables), with
    the meaning Django gives ``search_fields``: every word must match one of the fields.

    ``search_fields`` still names the fields searched: the admin shows the search box for
    it; ``search_q`` must search exactly those."""

    def search_q(self, word: str) -> Q:
        raise NotImplementedError

    def get_search_results(self, request, queryset, search_term):
        for word in search_words(search_term):
            queryset = queryset.filter(self.search_q(word))
        # Subqueries by id never repeat a row: no DISTINCT.
        return queryset, False
