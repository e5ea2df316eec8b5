"""The record of processing page and its CSV export (compliance officers and admins)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, render_template

from governance.db import db, utcnow
from governance.permissions import STAFF, requires
from reports.export import neutralise
from reports.ropa import COLUMNS, controller_header, record_of_processing

ropa = Blueprint("ropa", __name__)


@ropa.route("/record-of-processing")
@requires(*STAFF)
def page() -> Any:
    return render_template("reports/ropa.html", rows=record_of_processing(db.session, utcnow().date()),
                           header=controller_header())


@ropa.route("/record-of-processing.csv")
@requires(*STAFF)
def csv_export() -> Any:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = controller_header()
    writer.writerow([neutralise(f"Record of processing activities (GDPR Art 30(1)) — {header['controller']}")])
    writer.writerow([neutralise(f"DPO: {header['dpo']}"), f"produced {utcnow():%Y-%m-%d %H:%M} UTC"])
    writer.writerow(COLUMNS)
    for row in record_of_processing(db.session, utcnow().date()):
        writer.writerow([neutralise(cell) for cell in row.as_list()])
    return Response(buffer.getvalue().encode("utf-8-sig"), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=record-of-processing-{utcnow():%Y-%m-%d}.csv"})
