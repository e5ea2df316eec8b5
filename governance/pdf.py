"""HTML → PDF with WeasyPrint, safely: nothing is fetched from outside the portal's own files.

The url_fetcher refuses every URL except files under ``static/`` (fonts, CSS), so a template that
somehow carried an external or ``file://`` reference cannot make the server fetch it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

STATIC = (Path(__file__).resolve().parent.parent / "static").resolve()


class PdfFetchRefused(ValueError):
    """A PDF template referred to something outside the portal's static files."""


def _fetcher(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    from weasyprint.urls import default_url_fetcher

    if url.startswith("file://"):
        path = Path(url[len("file://"):]).resolve()
        if path.is_relative_to(STATIC):
            return default_url_fetcher(url, *args, **kwargs)
    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    raise PdfFetchRefused("PDF rendering refused an external resource")


def render_pdf(html: str) -> bytes:
    """Render autoescaped HTML (built from primitives) to PDF bytes."""
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=_fetcher).write_pdf()
