"""Finding concerns by their words: a two-character index for Chinese (issue #12).

Chinese words are mostly two characters (路灯, 饮水, 低保), and a concern's text has no spaces
between them, so neither PostgreSQL's full-text parsers (which split on spaces) nor trigram
indexes (three characters, pg_trgm) can serve a search for 路灯: the plain
``UPPER(text) LIKE '%路灯%'`` reads the whole table. pg_bigm would, but it is not packaged for
Debian's PostgreSQL and a county's database administrator may not install extensions.

So each concern keeps the set of its two-character pieces (bigrams) in ``search_bigrams``,
space-separated, filled whenever its text is saved (``Petition.save`` and
``PetitionQuerySet.bulk_create``). On PostgreSQL a GIN index over
``string_to_array(search_bigrams, ' ')`` answers "which concerns hold every bigram of the
words", and the plain LIKE then runs only on those rows: the result is exactly the LIKE's, the
index only narrows where it looks. On SQLite (the demo) the LIKE alone runs.

A one-character word has no bigram: it falls back to the plain LIKE.
"""

from django.db.models import BooleanField, Func, Q

SEPARATOR = " "


def _fold(text: str) -> str:
    """Upper-case each character the way the LIKE compares (``UPPER``), keeping one
    character for one (``"ß".upper()`` is two, which would shift every bigram after it)."""
    out = []
    for ch in text:
        up = ch.upper()
        out.append(up if len(up) == 1 else ch)
    return "".join(out)


def bigrams(text: str) -> list[str]:
    """The distinct two-character pieces of ``text``, in first-seen order, upper-cased; none
    that holds a space or other whitespace (a search word never does: the admin splits the
    search on whitespace)."""
    folded = _fold(text or "")
    seen = {}
    for i in range(len(folded) - 1):
        pair = folded[i : i + 2]
        if not (pair[0].isspace() or pair[1].isspace()):
            seen.setdefault(pair, None)
    return list(seen)


def bigram_text(text: str) -> str:
    """The ``search_bigrams`` column for a concern whose text is ``text``."""
    return SEPARATOR.join(bigrams(text))


class HoldsBigrams(Func):
    """True where ``search_bigrams`` holds every one of ``pieces`` (the GIN index's ``@>``).
    On databases without arrays it is always true, and the LIKE beside it decides alone."""

    output_field = BooleanField()
    arity = 1

    def __init__(self, expression, pieces, **extra):
        self.pieces = list(pieces)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return "1 = 1", []

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        # The separator is written into the SQL (not a parameter) so the expression is the
        # index's own, character for character, whatever the driver's binding.
        return f"string_to_array({column}, ' ') @> %s::text[]", [*params, self.pieces]


def words_q(term: str) -> Q:
    """Concerns whose text contains ``term`` (case-insensitively, as ``icontains``), through
    the bigram index where the term has a bigram."""
    q = Q(text__icontains=term)
    pieces = bigrams(term)
    if pieces:
        q &= Q(HoldsBigrams("search_bigrams", pieces))
    return q
