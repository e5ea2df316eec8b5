"""The DPA register: record and edit Data Processing Agreements, store the signed PDF encrypted.

Status is never typed in: it follows from the dates and clauses (``governance/dpas.py``). The
signed PDF is kept AES-256-GCM encrypted under a sub-key of the portal's root secret, bound to the
DPA's id, with its SHA-256 digest so a copy can be checked against the one on file.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Session

from governance import audit
from governance.audit import Actor
from governance.dpas import required_clauses
from governance.errors import PortalError
from governance.keyring import purpose_key
from governance.models import Dpa, TransferMechanism, Vendor
from governance.transfers import normalise_country, valid_country

MAX_PDF_BYTES = 10 * 1024 * 1024
SCC_MODULES = (1, 2, 3, 4)


@dataclass
class DpaInput:
    reference: str
    signed_on: date | None
    expires_on: date | None
    storage_countries: list[str]
    transfer_mechanism: str
    scc_module: int | None = None
    tia_completed_on: date | None = None
    sub_processors: list[str] = field(default_factory=list)
    deletion_sla_days: int = 30
    art28_clauses: list[str] = field(default_factory=list)


def parse_country_list(text: str) -> list[str]:
    """Countries typed as ``VN, IE`` → ``["IE", "VN"]``; unknown codes are an error naming them."""
    typed = {part.strip().upper() for part in text.replace(";", ",").split(",") if part.strip()}
    unknown = sorted(c for c in typed if not valid_country(c))
    if unknown:
        raise PortalError(f"Unknown country code(s): {', '.join(unknown)}. Use ISO 3166 alpha-2, e.g. VN, IE.",
                          "storage_countries")
    return sorted({normalise_country(c) for c in typed})


def _validate(data: DpaInput) -> None:
    if not data.reference.strip():
        raise PortalError("Enter the DPA's reference.", "reference")
    if data.signed_on and data.expires_on and data.expires_on <= data.signed_on:
        raise PortalError("The expiry date must come after the signature date.", "expires_on")
    if data.tia_completed_on and data.expires_on and data.tia_completed_on > data.expires_on:
        raise PortalError("The transfer impact assessment is dated after the DPA expires.", "tia_completed_on")
    if not data.storage_countries:
        raise PortalError("List at least one storage country.", "storage_countries")
    if data.transfer_mechanism not in {m.value for m in TransferMechanism}:
        raise PortalError("Choose a transfer mechanism.", "transfer_mechanism")
    if data.transfer_mechanism == TransferMechanism.SCC and data.scc_module not in SCC_MODULES:
        raise PortalError("Standard contractual clauses need their module (1-4).", "scc_module")
    if not 1 <= data.deletion_sla_days <= 365:
        raise PortalError("The deletion SLA must be between 1 and 365 days.", "deletion_sla_days")
    unknown = set(data.art28_clauses) - set(required_clauses())
    if unknown:
        raise PortalError("Unknown Art 28(3) clause in the checklist.", "art28_clauses")


def _apply(dpa: Dpa, data: DpaInput) -> None:
    dpa.reference = data.reference.strip()
    dpa.signed_on = data.signed_on
    dpa.expires_on = data.expires_on
    dpa.storage_countries = list(data.storage_countries)
    dpa.transfer_mechanism = TransferMechanism(data.transfer_mechanism)
    dpa.scc_module = data.scc_module if data.transfer_mechanism == TransferMechanism.SCC else None
    dpa.tia_completed_on = data.tia_completed_on
    dpa.sub_processors = [s.strip() for s in data.sub_processors if s.strip()]
    dpa.deletion_sla_days = data.deletion_sla_days
    dpa.art28_clauses = sorted(set(data.art28_clauses))


def create_dpa(session: Session, actor: Actor, vendor: Vendor, data: DpaInput) -> Dpa:
    """Record a DPA for a vendor (audited)."""
    _validate(data)
    dpa = Dpa(vendor_id=vendor.id)
    _apply(dpa, data)
    session.add(dpa)
    session.flush()
    audit.log(session, actor, "dpa.created", "dpa", dpa.id,
              {"vendor_id": vendor.id, "mechanism": dpa.transfer_mechanism.value,
               "clauses": len(dpa.art28_clauses)})
    return dpa


def update_dpa(session: Session, actor: Actor, dpa: Dpa, data: DpaInput) -> Dpa:
    """Edit a DPA (audited with the names of the fields that changed)."""
    _validate(data)
    before = {name: getattr(dpa, name) for name in vars(data)}
    _apply(dpa, data)
    changed = sorted(name for name, value in before.items() if value != getattr(dpa, name))
    session.flush()
    audit.log(session, actor, "dpa.updated", "dpa", dpa.id, {"vendor_id": dpa.vendor_id, "fields": changed})
    return dpa


def _document_key(session: Session, master_key: bytes) -> AESGCM:
    return AESGCM(purpose_key(session, master_key, "dpa-documents"))


def attach_document(session: Session, actor: Actor, master_key: bytes, dpa: Dpa, content: bytes) -> str:
    """Store the signed PDF encrypted; return its SHA-256 digest. Refuses non-PDFs and huge files."""
    if len(content) > MAX_PDF_BYTES:
        raise PortalError(f"The PDF is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB.", "document")
    if not content.startswith(b"%PDF-"):
        raise PortalError("The signed DPA must be a PDF file.", "document")
    nonce = secrets.token_bytes(12)
    dpa.document_ciphertext = nonce + _document_key(session, master_key).encrypt(nonce, content, _aad(dpa))
    dpa.document_digest = hashlib.sha256(content).hexdigest()
    session.flush()
    audit.log(session, actor, "dpa.document_attached", "dpa", dpa.id,
              {"sha256": dpa.document_digest, "bytes": len(content)})
    return dpa.document_digest


def read_document(session: Session, master_key: bytes, dpa: Dpa) -> bytes:
    """Decrypt the stored PDF (the digest is checked, so a swapped blob is refused)."""
    blob = dpa.document_ciphertext
    if not blob:
        raise PortalError("No signed PDF is on file for this DPA.")
    try:
        content = _document_key(session, master_key).decrypt(blob[:12], blob[12:], _aad(dpa))
    except InvalidTag:
        raise PortalError("The stored PDF does not open with this portal's keys.") from None
    if hashlib.sha256(content).hexdigest() != dpa.document_digest:
        raise PortalError("The stored PDF does not match its recorded digest.")
    return content


def _aad(dpa: Dpa) -> bytes:
    return f"dpa:{dpa.id}".encode("ascii")
