"""HTML → PDF with WeasyPrint, safely: nothing is fetched from outside the portal's own files.

The fetcher allows only ``data:`` URIs and files under ``static/`` (fonts, CSS, images), so a
template that somehow carried an external or ``file://`` reference elsewhere cannot make the server
fetch it; such a reference is dropped with a warning and the PDF renders without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

STATIC = (Path(__file__).resolve().parent.parent / "static").resolve()


class PdfFetchRefused(ValueError):
    """A PDF template referred to something outside the portal's static files."""


def allowed(url: str) -> bool:
    """Whether the PDF renderer may read ``url``: a data URI or a file under ``static/``."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    if parts.scheme == "file" and not parts.netloc:
        return Path(unquote(parts.path)).resolve().is_relative_to(STATIC)
    return False


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not allowed(url):
                raise PdfFetchRefused("PDF rendering refused a resource outside the portal's static files")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols=("data", "file"), allow_redirects=False)


def render_pdf(html: str) -> bytes:
    """Render autoescaped HTML (built from primitives) to PDF bytes."""
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=_fetcher()).write_pdf()
