"""Charts: SVG with no script and nothing to fetch, told apart without colour, with axis titles and units."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from reports.charts import bar_chart, line_chart
from tests.reports.conftest import JAN, World

CHARTS = {
    "bar": lambda: bar_chart("Cost by vendor", ["A & <b>", "B"], [("Cost", [12.5, 40]), ("Other", [3, None])],
                             "Vendor", "Cost (USD)", unit="USD"),
    "horizontal": lambda: bar_chart("Estimated cost", ["East", "West"], [("Cost", [1, 2])], "Region", "Cost (USD)",
                                    unit="USD", horizontal=True),
    "line": lambda: line_chart("Events per day", ["2026-01-01", "2026-01-02"], [("Events", [3, 5])], "Day (UTC)",
                               "Events (count)"),
}


@pytest.fixture(params=sorted(CHARTS))
def svg(request: pytest.FixtureRequest) -> str:
    chart = CHARTS[request.param]()
    decoded = base64.b64decode(chart.data_uri.split(",", 1)[1]).decode("utf-8")
    assert decoded == str(chart.svg)  # the page's image and the PDF's inline SVG are the same drawing
    return decoded


def test_no_script_and_no_external_reference(svg: str) -> None:
    assert "<script" not in svg.lower()
    assert "xml-stylesheet" not in svg and "googleapis" not in svg and "<!--" not in svg
    assert not re.search(r"""(href|src)\s*=\s*["'](https?:|//|file:)""", svg)
    assert not re.search(r"url\(\s*['\"]?(https?:|//|file:)", svg)
    # The only URLs left are XML namespace names, which are identifiers, never fetched.
    assert set(re.findall(r"https?://[^\s\"'<>]+", svg)) <= {"http://www.w3.org/2000/svg",
                                                            "http://www.w3.org/1999/xlink"}


def test_axis_titles_carry_units_and_values_are_printed(svg: str) -> None:
    assert re.search(r"\((USD|count)\)", svg)
    assert 'class="title"' in svg
    assert re.search(r'class="value[^"]*"', svg) or re.search(r">\$?[\d,.]+<", svg)


def test_series_are_told_apart_by_patterns_not_colour_alone() -> None:
    svg = str(CHARTS["bar"]().svg)
    pattern_ids = re.findall(r'<pattern id="([^"]+)"', svg)
    assert len(pattern_ids) == 5
    assert f"url(#{pattern_ids[0]})" in svg  # the second series is hatched
    other = str(CHARTS["line"]().svg)
    assert not set(pattern_ids) & set(re.findall(r'<pattern id="([^"]+)"', other))  # unique per chart


def test_labels_are_escaped(svg: str) -> None:
    assert "<b>" not in svg


def test_report_pages_embed_charts_as_images_only(app: Any, report_world: World) -> None:
    page = report_world.client(app, report_world.admin).get("/reports/cost", query_string=JAN).get_data(as_text=True)
    assert page.count('src="data:image/svg+xml;base64,') >= 3
    assert "<svg" not in page  # no inline SVG on the page: nothing in a chart can run in the browser
    assert "cdn" not in page.lower()
