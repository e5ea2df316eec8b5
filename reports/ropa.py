"""The record of processing activities (GDPR Art 30(1)), one row per dataset, built from live data.

Categories of personal data come from what the import actually detected (entity types found),
recipients are the vendors the dataset is assigned to, transfers are their countries with the
mechanism the transfer gate accepts today, and retention is the dataset's own period.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import load_policy
from governance.models import Dataset, DatasetAssignment, DatasetStatus, Vendor
from governance.transfers import country_status, may_process
from pii.models import ImportJob, ImportStatus

COLUMNS = ("dataset", "status", "purpose", "lawful_basis", "data_subjects", "personal_data_categories",
           "special_category", "recipients", "transfers", "retention", "erasure_time_limit", "security_measures")


@dataclass(frozen=True)
class RopaRow:
    dataset: str
    status: str
    purpose: str
    lawful_basis: str
    data_subjects: str
    personal_data_categories: str
    special_category: str
    recipients: str
    transfers: str
    retention: str
    erasure_time_limit: str
    security_measures: str

    def as_list(self) -> list[str]:
        return [getattr(self, column) for column in COLUMNS]


def record_of_processing(session: Session, today: date) -> list[RopaRow]:
    """Every dataset not yet deleted, as the Art 30(1) record describes it."""
    policy = load_policy("gdpr")["ropa"]
    purposes = load_policy("retention")["purposes"]
    measures = "; ".join(policy["security_measures"])
    rows = []
    for dataset in session.scalars(select(Dataset).where(Dataset.status != DatasetStatus.DELETED)
                                   .order_by(Dataset.name)):
        vendors = session.scalars(select(Vendor).join(DatasetAssignment, DatasetAssignment.vendor_id == Vendor.id)
                                  .where(DatasetAssignment.dataset_id == dataset.id).order_by(Vendor.name)).all()
        rows.append(RopaRow(
            dataset=dataset.name, status=DatasetStatus(dataset.status).value,
            purpose=purposes.get(dataset.purpose, {}).get("label", dataset.purpose) +
            (f" — {dataset.description}" if dataset.description else ""),
            lawful_basis=f"Art 6(1): {dataset.lawful_basis.replace('_', ' ')}",
            data_subjects=policy["data_subject_categories"] if dataset.contains_personal_data else "none",
            personal_data_categories=_categories(session, dataset),
            special_category="yes (Art 9)" if dataset.special_category else "no",
            recipients=", ".join(f"{v.name} ({v.country})" for v in vendors) or "none",
            transfers=_transfers(session, dataset, vendors, today),
            retention=f"{dataset.retention_days} days, until {dataset.expires_at:%Y-%m-%d}",
            erasure_time_limit="deleted by the retention sweep at the end of retention; erasure requests within one "
                               "calendar month (Art 12(3))",
            security_measures=measures,
        ))
    return rows


def _categories(session: Session, dataset: Dataset) -> str:
    found: Counter[str] = Counter()
    for counts in session.scalars(select(ImportJob.entity_counts).where(
            ImportJob.dataset_id == dataset.id, ImportJob.status == ImportStatus.DONE)):
        found.update(counts or {})
    return ", ".join(f"{kind.lower().replace('_', ' ')}" for kind, _ in found.most_common()) or "none detected yet"


def _transfers(session: Session, dataset: Dataset, vendors: list[Vendor], today: date) -> str:
    parts = []
    for vendor in vendors:
        status = country_status(vendor.country, today).value
        if status == "eea":
            continue
        decision = may_process(session, dataset, vendor, today)
        basis = decision.basis if decision.allowed else f"stopped: {decision.code.replace('_', ' ')}"
        parts.append(f"{vendor.country} ({status}; {basis})")
    return ", ".join(parts) or "none outside the EEA"


def controller_header() -> dict[str, str]:
    policy = load_policy("gdpr")["ropa"]
    return {"controller": policy["controller"], "dpo": policy["dpo_contact"]}
