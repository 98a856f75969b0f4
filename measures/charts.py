"""Server-drawn SVG charts: pure Python, no database, no JavaScript.

A chart is built as an XML tree (``xml.etree``), so every text and link is escaped and the
markup is well-formed by construction. It scales with its ``viewBox`` (a phone's 375 px
or a desktop's column) and carries presentation attributes only (``fill=``, ``width=``):
the Content-Security-Policy forbids ``style=``. Each bar or segment is a link to the list
behind it, with a ``<title>`` (the tooltip, and what a screen reader says).
"""

from dataclasses import dataclass
from xml.etree import ElementTree as ET

from django.utils.safestring import SafeString, mark_safe

SVG_NS = "http://www.w3.org/2000/svg"

# One colour per series, in order; readable on white, distinct in grey print.
PALETTE = (
    "#1f5fa8",
    "#e08a1e",
    "#3a9a5b",
    "#c0392b",
    "#7d5ba6",
    "#2aa1b3",
    "#8c6d3f",
    "#d35d94",
    "#7f8c8d",
)
TEXT = "#333"
# The drawing's own width: about a phone's (375 px less the margins), so its text is read at
# its own size there; wider screens show it larger, two or three charts a row (the CSS).
WIDTH = 360
GRID = "#ccc"


@dataclass(frozen=True)
class Segment:
    """A part of a bar: a series' value, its colour, its link and tooltip."""

    value: float
    fill: str
    href: str = ""
    title: str = ""


@dataclass(frozen=True)
class Bar:
    """One bar: a label under (or beside) it, its segments stacked, a note on top."""

    label: str
    segments: tuple[Segment, ...]
    note: str = ""  # written at the bar's end (its total, a share); "" for the total
    sublabel: str = ""  # a second line under a column (the year under January)

    @property
    def total(self) -> float:
        return sum(s.value for s in self.segments)


def _svg(width: int, height: int, label: str) -> ET.Element:
    return ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {width} {height}",
            "width": "100%",
            # A group, not an image: its bars are links (an image may hold nothing focusable).
            "role": "group",
            "aria-label": label,
            "class": "dash-svg",
        },
    )


def _text(parent, x, y, text, *, anchor="middle", size=11, fill=TEXT) -> ET.Element:
    element = ET.SubElement(
        parent,
        "text",
        {
            "x": _num(x),
            "y": _num(y),
            "text-anchor": anchor,
            "font-size": str(size),
            "fill": fill,
        },
    )
    element.text = text
    return element


def _num(value: float) -> str:
    """A coordinate, short: 12, 12.5."""
    return f"{value:.1f}".removesuffix(".0")


def _rect(parent, segment: Segment, x, y, w, h) -> None:
    holder = parent
    if segment.href:
        holder = ET.SubElement(parent, "a", {"href": segment.href})
    rect = ET.SubElement(
        holder,
        "rect",
        {"x": _num(x), "y": _num(y), "width": _num(w), "height": _num(h), "fill": segment.fill},
    )
    if segment.title:
        ET.SubElement(rect, "title").text = segment.title


def _to_string(svg: ET.Element) -> SafeString:
    # Built from escaped parts only (ElementTree escapes every text and attribute).
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308


def column_chart(bars: list[Bar], *, label: str, maximum: float | None = None) -> SafeString:
    """Vertical bars, segments stacked from the bottom; ``maximum`` fixes the scale (100 for
    shares), else the tallest bar fills the height."""
    width, height = WIDTH, 200
    top, bottom, left, right = 16, 30, 4, 4
    plot = height - top - bottom
    svg = _svg(width, height, label)
    ET.SubElement(
        svg,
        "line",
        {
            "x1": _num(left),
            "y1": _num(top + plot),
            "x2": _num(width - right),
            "y2": _num(top + plot),
            "stroke": GRID,
        },
    )
    scale = maximum if maximum else max((b.total for b in bars), default=0)
    slot = (width - left - right) / max(len(bars), 1)
    bar_width = slot * 0.7
    for i, bar in enumerate(bars):
        x = left + slot * i + (slot - bar_width) / 2
        y = top + plot
        for segment in bar.segments:
            if segment.value <= 0 or not scale:
                continue
            h = plot * segment.value / scale
            y -= h
            _rect(svg, segment, x, y, bar_width, h)
        note = bar.note or _num(bar.total)
        _text(svg, x + bar_width / 2, y - 4, note, size=10)
        _text(svg, x + bar_width / 2, top + plot + 13, bar.label, size=10)
        if bar.sublabel:
            _text(svg, x + bar_width / 2, top + plot + 25, bar.sublabel, size=9)
    return _to_string(svg)


def row_chart(bars: list[Bar], *, label: str) -> SafeString:
    """Horizontal bars, one row each, segments stacked from the left, the label above the
    bar (long Chinese names of units need the whole width on a phone)."""
    width, row, left, right = WIDTH, 40, 4, 48
    height = max(len(bars), 1) * row + 4
    svg = _svg(width, height, label)
    scale = max((b.total for b in bars), default=0)
    span = width - left - right
    for i, bar in enumerate(bars):
        y = 4 + i * row
        _text(svg, left, y + 11, bar.label, anchor="start", size=12)
        x = left
        for segment in bar.segments:
            if segment.value <= 0 or not scale:
                continue
            w = span * segment.value / scale
            _rect(svg, segment, x, y + 16, w, 16)
            x += w
        _text(svg, x + 6, y + 29, bar.note or _num(bar.total), anchor="start")
    return _to_string(svg)
