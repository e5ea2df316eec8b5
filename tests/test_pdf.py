"""PDF rendering reads the portal's own static files and nothing else."""

from __future__ import annotations

import io
import logging

import pytest
from pypdf import PdfReader

from governance.pdf import STATIC, allowed, render_pdf


@pytest.mark.parametrize(("url", "ok"), [
    ((STATIC / "css" / "portal.css").as_uri(), True),
    ("data:text/css,body{}", True),
    ("file:///etc/passwd", False),
    ((STATIC / ".." / "app.py").as_uri(), False),
    ("https://cdn.example.com/x.css", False),
    ("http://127.0.0.1:5000/static/css/portal.css", False),
])
def test_only_static_files_and_data_uris_are_fetched(url: str, ok: bool) -> None:
    assert allowed(url) is ok


def test_a_pdf_renders_with_a_static_stylesheet_and_skips_external_ones(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    html = ('<html><head><link rel="stylesheet" href="css/portal.css">'
            '<link rel="stylesheet" href="file:///etc/passwd"></head><body><h1>Certificate</h1></body></html>')
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert "Certificate" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "passwd" not in pdf.decode("latin-1")
