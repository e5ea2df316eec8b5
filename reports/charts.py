"""SVG charts with pygal: no JavaScript, nothing fetched, readable when printed in black and white.

pygal writes a ``<script>`` block of tooltip configuration (with ``file://`` CSS names) and
comments with its project URLs into every chart; :func:`_clean_svg` removes them, and ``js=[]``
stops it linking its tooltip script from a CDN. Series are told apart by hatching patterns, not
colour, every bar carries its value, and both axes have a title with the unit.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pygal
from markupsafe import Markup
from pygal.style import Style

# pygal writes the SVG with an XML library, so its script bodies hold no raw "<" and these patterns
# cannot stop early; the SVG is pygal's own output for our figures, never input from outside.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

# Fills that stay distinct in greyscale print: plain grey first, then hatching, dots, cross-hatch, and
# horizontal and vertical lines. Pattern ids carry a per-chart prefix: a PDF holds several charts inline.
PATTERNS = [
    '<pattern id="{p}1" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">'
    '<rect width="8" height="8" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="8" stroke="#000" stroke-width="3"/>'
    "</pattern>",
    '<pattern id="{p}2" patternUnits="userSpaceOnUse" width="6" height="6">'
    '<rect width="6" height="6" fill="#ffffff"/><circle cx="3" cy="3" r="1.6" fill="#000"/></pattern>',
    '<pattern id="{p}3" patternUnits="userSpaceOnUse" width="8" height="8">'
    '<rect width="8" height="8" fill="#d9d9d9"/><path d="M0 0L8 8M8 0L0 8" stroke="#000" stroke-width="1"/></pattern>',
    '<pattern id="{p}4" patternUnits="userSpaceOnUse" width="8" height="8">'
    '<rect width="8" height="8" fill="#ffffff"/><line x1="0" y1="4" x2="8" y2="4" stroke="#000" stroke-width="2"/>'
    "</pattern>",
    '<pattern id="{p}5" patternUnits="userSpaceOnUse" width="8" height="8">'
    '<rect width="8" height="8" fill="#ffffff"/><line x1="4" y1="0" x2="4" y2="8" stroke="#000" stroke-width="2"/>'
    "</pattern>",
]
STYLE_FIELDS = {
    "background": "#ffffff", "plot_background": "#ffffff", "foreground": "#000000", "foreground_strong": "#000000",
    "foreground_subtle": "#666666", "opacity": "1", "opacity_hover": "1", "transition": "none",
    "value_colors": ("#000000",), "font_family": "DejaVu Sans, Arial, sans-serif", "title_font_size": 18,
    "label_font_size": 12, "major_label_font_size": 12, "value_font_size": 11, "legend_font_size": 13,
    "value_label_font_size": 11,
}


def _fills() -> dict[str, Any]:
    """Style and pattern definitions for one chart, under ids no other chart uses."""
    prefix = f"fill-{uuid.uuid4().hex[:10]}-"
    colors = ("#a6a6a6", *(f"url(#{prefix}{i})" for i in range(1, len(PATTERNS) + 1)))
    return {"style": Style(colors=colors, **STYLE_FIELDS), "defs": [d.replace("{p}", prefix) for d in PATTERNS]}


BASE_CONFIG = {
    "js": [], "disable_xml_declaration": True, "print_values": True,
    "print_values_position": "top", "show_legend": True, "legend_at_bottom": True, "width": 900, "height": 380,
    "truncate_label": 28, "truncate_legend": 40, "margin": 16, "spacing": 12, "dots_size": 4,
    "no_data_text": "No data in this period",
    # pygal's own two style sheets are inlined; the third outlines bars in black so a hatched bar keeps
    # its edge in print. (Any entry not starting with file:// or inline: would become an external link.)
    "css": ["file://style.css", "file://graph.css",
            "inline:.bar rect, .histbar rect { stroke: #000000 !important; stroke-width: 1px !important; }"],
}


@dataclass(frozen=True)
class Chart:
    """A finished chart: its title, a text alternative, and the SVG twice — as a ``data:`` URI for the
    page's ``<img>`` (a browser never runs anything inside an image) and as markup for the PDF, where
    WeasyPrint draws inline SVG itself and so needs no URL fetch."""

    title: str
    alt: str
    data_uri: str
    svg: Markup


def _clean_svg(svg: str) -> str:
    """Drop pygal's ``<script>`` blocks and comments (which carry its project URLs) from the SVG."""
    return _COMMENT.sub("", _SCRIPT.sub("", svg))


def _finish(chart: pygal.graph.graph.Graph, title: str, alt: str) -> Chart:
    svg = _clean_svg(chart.render(is_unicode=True))
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    # Markup is safe here: pygal builds the SVG with an XML library, which escapes every label and
    # value; _clean_svg only removes whole elements and comments from it.
    return Chart(title, alt, f"data:image/svg+xml;base64,{encoded}", Markup(svg))  # noqa: S704


def _value_format(unit: str) -> callable:
    if unit == "USD":
        return lambda v: "" if v is None else f"${v:,.0f}" if abs(v) >= 1000 else f"${v:,.2f}"
    if unit == "%":
        return lambda v: "" if v is None else f"{v:.1f}%"
    return lambda v: "" if v is None else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}")


def bar_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
              x_title: str, y_title: str, unit: str = "", horizontal: bool = False) -> Chart:
    """A bar chart, one hatched series per entry of ``series``; ``unit`` formats the printed values."""
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    height = max(BASE_CONFIG["height"], 60 + 34 * len(labels) * max(1, len(series))) if horizontal else None
    if horizontal:  # pygal puts x_title under the chart, where a horizontal bar chart has its values
        x_title, y_title = y_title, x_title
    config = {**BASE_CONFIG, **({"height": height} if height else {}),
              "x_title": x_title, "y_title": y_title, "value_formatter": _value_format(unit),
              "x_label_rotation": 0 if horizontal or len(labels) <= 6 else 30, "show_legend": len(series) > 1}
    chart = kind(**config, **_fills(), **_count_ticks(series, unit))
    chart.title = title
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, [None if v is None else float(v) for v in values])
    return _finish(chart, title, _alt(title, labels, series, unit))


def line_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
               x_title: str, y_title: str, unit: str = "") -> Chart:
    """A line chart with markers and dashes per series (for counts over time)."""
    dashes = ["", "6, 4", "2, 3", "10, 3, 2, 3"]
    chart = pygal.Line(**{**BASE_CONFIG, "x_title": x_title, "y_title": y_title, "print_values": len(labels) <= 31,
                          "value_formatter": _value_format(unit), "show_legend": len(series) > 1,
                          "x_label_rotation": 45 if len(labels) > 8 else 0, "show_minor_x_labels": len(labels) <= 31,
                          "x_labels_major_every": max(1, len(labels) // 12), **_fills(),
                          **_count_ticks(series, unit)})
    chart.title = title
    chart.x_labels = list(labels)
    for index, (name, values) in enumerate(series):
        chart.add(name, [None if v is None else float(v) for v in values],
                  stroke_style={"width": 2, "dasharray": dashes[index % len(dashes)]})
    return _finish(chart, title, _alt(title, labels, series, unit))


def _count_ticks(series: Sequence[tuple[str, Sequence[float | None]]], unit: str) -> dict:
    """Whole-number ticks for counts (pygal would label a count axis 0.2, 0.4 …)."""
    values = [v for _, vs in series for v in vs if v is not None]
    if unit or not values or any(float(v) != int(v) for v in values):
        return {}
    top = max(1, int(max(values)))
    step = max(1, -(-top // 8))
    return {"y_labels": list(range(0, top + step, step))}


def _alt(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
         unit: str) -> str:
    """A text alternative that states the figures (the table beside the chart holds them too)."""
    parts = []
    for name, values in series[:3]:
        shown = list(zip(labels, values, strict=False))[:12]
        pairs = ", ".join(f"{label}: {'—' if v is None else v}" for label, v in shown)
        parts.append(f"{name} ({unit or 'count'}) — {pairs}")
    return f"{title}. " + "; ".join(parts)
