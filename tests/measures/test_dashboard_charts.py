"""The SVG builder of the dashboard (measures/charts.py): pure, no database. Well-formed
whatever the text, scaled to the tallest bar or to a fixed maximum, each segment a link."""

from xml.etree import ElementTree as ET

from measures.charts import WIDTH, Bar, Segment, column_chart, row_chart

NS = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    """The chart as XML: a chart that is not well-formed fails here."""
    return ET.fromstring(markup)  # noqa: S314 (our own markup, under test)


def _rects(svg: ET.Element) -> list[ET.Element]:
    return list(svg.iter(f"{NS}rect"))


def test_a_column_chart_stacks_segments_and_scales_to_the_tallest_bar():
    bars = [
        Bar("1", (Segment(2, "#111", "/a?x=1", "two"), Segment(2, "#222", "/a?x=2", "two more"))),
        Bar("2", (Segment(1, "#111"), Segment(0, "#222"))),
    ]
    svg = parse(column_chart(bars, label="test"))
    assert svg.get("viewBox") == f"0 0 {WIDTH} 200"
    first, second, third = _rects(svg)  # a zero draws nothing
    plot = 200 - 16 - 30
    assert float(first.get("height")) + float(second.get("height")) == plot
    assert float(third.get("height")) == plot / 4
    # The second segment sits on the first.
    assert float(second.get("y")) + float(second.get("height")) == float(first.get("y"))
    links = [a.get("href") for a in svg.iter(f"{NS}a")]
    assert links == ["/a?x=1", "/a?x=2"]
    assert [t.text for t in svg.iter(f"{NS}title")] == ["two", "two more"]


def test_a_fixed_maximum_keeps_shares_on_one_scale():
    svg = parse(
        column_chart([Bar("Q1", (Segment(50, "#111"),), note="50%")], label="s", maximum=100)
    )
    (rect,) = _rects(svg)
    assert float(rect.get("height")) == (200 - 16 - 30) / 2
    assert "50%" in [t.text for t in svg.iter(f"{NS}text")]


def test_text_and_links_are_escaped():
    hostile = '<script>alert("x")</script> & 镇'
    bars = [Bar(hostile, (Segment(3, "#111", '/x?a=1&b="2"', hostile),))]
    for markup in (column_chart(bars, label=hostile), row_chart(bars, label=hostile)):
        assert "<script>" not in markup
        svg = parse(markup)  # well-formed
        assert hostile in [t.text for t in svg.iter(f"{NS}text")]
        assert [a.get("href") for a in svg.iter(f"{NS}a")] == ['/x?a=1&b="2"']


def test_a_row_chart_has_a_row_per_bar_and_no_style():
    bars = [Bar(f"单位{i}", (Segment(i + 1, "#c00"),)) for i in range(3)]
    markup = row_chart(bars, label="overdue")
    svg = parse(markup)
    widths = [float(r.get("width")) for r in _rects(svg)]
    assert widths[2] == max(widths) and widths[0] < widths[1] < widths[2]
    assert "style" not in markup


def test_empty_charts_are_still_well_formed():
    for markup in (column_chart([], label="e"), row_chart([], label="e")):
        assert parse(markup).tag == f"{NS}svg"
    zeros = column_chart([Bar("1", (Segment(0, "#111"),))], label="z")
    assert _rects(parse(zeros)) == []
