"""The monthly job: last month's audit, cost and welfare reports written to the instance folder.

Files go to ``<instance>/reports/YYYY-MM/``, each issued (recorded, digest in the audit chain) like
a download. A file already there is left alone, so a re-run after a failure finishes the month
without issuing duplicates.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from reports.export import write_atomically
from reports.filters import last_month, resolve_filter
from reports.produce import SYSTEM_READER, issue_file

MONTHLY_FILES = (("audit", "pdf"), ("cost", "pdf"), ("cost", "csv"), ("welfare", "pdf"))


def monthly_folder(instance_path: Path, month: str) -> Path:
    return Path(instance_path) / "reports" / month


def monthly_reports(session: Session, now: datetime) -> dict[str, Any]:
    """Write last month's reports (whole portal, annotators pseudonymised); returns counts for the Jobs page."""
    settings = current_app.extensions["portal"]
    period = last_month(now.date())
    month = period[0].strftime("%Y-%m")
    folder = monthly_folder(settings.instance_path, month)
    folder.mkdir(parents=True, exist_ok=True)
    flt = resolve_filter(session, None, period)
    written = skipped = 0
    for kind, file_format in MONTHLY_FILES:
        path = folder / f"{kind}-{month}.{file_format}"
        if path.exists():
            skipped += 1
            continue
        content, _record = issue_file(session, kind, file_format, flt, SYSTEM_READER, settings.master_key, now)
        write_atomically(path, content)
        written += 1
    return {"month": month, "written": written, "skipped": skipped}
