"""The rhythm's rules (接待日–活动月–主题季–行动年): reading the themes of a day and saving a
year's themes, each change with its audit row (``ThemeChange``)."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q

from liaison.models import Theme, ThemeChange
from liaison.roles import roles_for

Kind = Theme.Kind

# Every theme a year has, in the order of its form: the year, four seasons, twelve months.
SLOTS: list[tuple[str, int | None]] = [
    (Kind.YEAR, None),
    *[(Kind.QUARTER, n) for n in range(1, 5)],
    *[(Kind.MONTH, n) for n in range(1, 13)],
]


def may_edit_rhythm(user) -> bool:
    """County congress staff who sign in to the administration."""
    return bool(
        user is not None and user.is_authenticated and user.is_staff and roles_for(user).county
    )


def quarter_of(on: date) -> int:
    return (on.month - 1) // 3 + 1


@dataclass(frozen=True)
class DayThemes:
    """The themes in force on a day: the year's, the season's, the month's (each or None)."""

    year: Theme | None = None
    quarter: Theme | None = None
    month: Theme | None = None

    def __bool__(self) -> bool:
        return bool(self.year or self.quarter or self.month)


def themes_on(on: date) -> DayThemes:
    """The year's, the season's and the month's themes on ``on``: one query."""
    rows = Theme.objects.filter(year=on.year).filter(
        Q(kind=Kind.YEAR)
        | Q(kind=Kind.QUARTER, number=quarter_of(on))
        | Q(kind=Kind.MONTH, number=on.month)
    )
    found = {row.kind: row for row in rows}
    return DayThemes(
        year=found.get(Kind.YEAR), quarter=found.get(Kind.QUARTER), month=found.get(Kind.MONTH)
    )


def themes_of_year(year: int) -> dict[tuple[str, int | None], Theme]:
    """The year's themes by (kind, number): one query."""
    return {(t.kind, t.number): t for t in Theme.objects.filter(year=year)}


def _state(theme: Theme | None) -> dict | None:
    if theme is None:
        return None
    return {"title": theme.title, "description": theme.description}


def _audit(*, kind, year, number, before, after, actor) -> None:
    ThemeChange.objects.create(
        kind=kind, year=year, number=number, before=before, after=after, actor=actor
    )


@transaction.atomic
def theme_save(*, theme: Theme, actor) -> Theme:
    """Save one theme as edited (the admin), with its audit row when it changed."""
    stored = None
    if theme.pk is not None:
        stored = Theme.objects.select_for_update().filter(pk=theme.pk).first()
    before, after = _state(stored), _state(theme)
    theme.save()
    if before != after:
        _audit(
            kind=theme.kind,
            year=theme.year,
            number=theme.number,
            before=before,
            after=after,
            actor=actor,
        )
    return theme


@transaction.atomic
def theme_delete(*, theme: Theme, actor) -> None:
    """Delete one theme, with its audit row."""
    _audit(
        kind=theme.kind,
        year=theme.year,
        number=theme.number,
        before=_state(theme),
        after=None,
        actor=actor,
    )
    theme.delete()


@transaction.atomic
def theme_year_save(*, year: int, entries: dict, actor) -> int:
    """Set the year's themes from ``entries`` ({(kind, number): (title, description)}): a
    new or changed one is saved, an empty title removes the theme; each change appends its
    audit row. Returns the number of changes."""
    # Rows locked: two staff saving the same year at once apply one after the other.
    stored = {(t.kind, t.number): t for t in Theme.objects.select_for_update().filter(year=year)}
    changes = 0
    for slot in SLOTS:
        if slot not in entries:
            continue
        title, description = entries[slot]
        title, description = title.strip(), description.strip()
        theme = stored.get(slot)
        kind, number = slot
        if not title:
            if theme is not None:
                theme_delete(theme=theme, actor=actor)
                changes += 1
            continue
        after = {"title": title, "description": description}
        if theme is None:
            theme = Theme(kind=kind, year=year, number=number)
        elif _state(theme) == after:
            continue
        theme.title, theme.description = title, description
        theme_save(theme=theme, actor=actor)
        changes += 1
    return changes
