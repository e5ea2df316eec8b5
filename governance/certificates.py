"""Reading deletion certificates and runs: lists, and the primitives-only view of one certificate
that both the HTML page and the PDF are rendered from (so the two can never disagree)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from governance.deletion import verify_certificate
from governance.models import Dataset
from governance.ops_models import DeletionCertificate, DeletionRun, ErasureRequest

COUNT_LABELS = {
    "items": "Items whose raw and redacted content was destroyed",
    "task_answers": "Annotation answers cleared (times and outcomes kept)",
    "subject_tokens": "Subject tokens deleted",
    "datasets": "Datasets in which the subject was found",
}
SCOPE_LABELS = {"retention": "Retention period ended", "erasure": "Data subject erasure request (GDPR Art 17)"}


def certificates_newest_first() -> Select:
    """Every certificate, newest first (paginated by the caller)."""
    return select(DeletionCertificate).order_by(DeletionCertificate.id.desc())


def recent_certificates(session: Session, limit: int = 5) -> list[DeletionCertificate]:
    return list(session.scalars(certificates_newest_first().limit(limit)))


def recent_runs(session: Session, limit: int = 5) -> list[dict[str, Any]]:
    """The latest deletion runs with their dataset's name (unfinished ones show where they stopped)."""
    rows = session.execute(select(DeletionRun, Dataset.name, ErasureRequest.reference)
                           .outerjoin(Dataset, Dataset.id == DeletionRun.dataset_id)
                           .outerjoin(ErasureRequest, ErasureRequest.id == DeletionRun.erasure_request_id)
                           .order_by(DeletionRun.id.desc()).limit(limit)).all()
    return [{"id": run.id, "scope": run.scope, "subject": name or reference or "—", "status": run.status,
             "stage": run.stage, "items": run.counts.get("items", 0), "started_at": run.started_at,
             "certificate_id": run.certificate_id} for run, name, reference in rows]


def _stamp(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value is not None else "—"


def certificate_context(session: Session, certificate: DeletionCertificate) -> dict[str, Any]:
    """Strings, numbers and lists only: what a certificate says, ready for an autoescaped template."""
    request_reference = None
    if certificate.erasure_request_id is not None:
        request_reference = session.scalar(select(ErasureRequest.reference)
                                           .where(ErasureRequest.id == certificate.erasure_request_id))
    counts = [(COUNT_LABELS.get(name, name.replace("_", " ")), int(value))
              for name, value in sorted(certificate.counts.items())]
    return {
        "id": certificate.id, "reference": certificate.reference, "scope": certificate.scope,
        "scope_label": SCOPE_LABELS.get(certificate.scope, certificate.scope),
        "dataset_id": certificate.dataset_id, "dataset_name": certificate.dataset_name or "",
        "erasure_reference": request_reference or "", "counts": counts,
        "items": int(certificate.counts.get("items", 0)),
        "key_ids": [str(k) for k in certificate.key_ids_destroyed],
        "started_at": _stamp(certificate.started_at), "finished_at": _stamp(certificate.finished_at),
        "issued_at": _stamp(certificate.issued_at), "digest": certificate.digest,
        "digest_ok": verify_certificate(certificate),
    }
