"""Assigning datasets to vendors, through the transfer gate (DESIGN rule 2).

The same gate (``governance.transfers.may_process``) runs again every time a task is served, so an
assignment that was lawful when made stops delivering work the moment its DPA lapses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import audit
from governance.audit import Actor
from governance.errors import PortalError
from governance.models import Dataset, DatasetAssignment, DatasetStatus, Vendor
from governance.transfers import TransferDecision, may_process


@dataclass(frozen=True)
class AssignmentOutcome:
    """The assignment made, or the gate's refusal. A refusal is still audited, so the caller commits."""

    assignment: DatasetAssignment | None
    decision: TransferDecision

    @property
    def message(self) -> str:
        return " ".join(self.decision.reasons)


def assign_dataset(session: Session, actor: Actor, dataset: Dataset, vendor: Vendor, today: date) -> AssignmentOutcome:
    """Assign when the gate allows it; otherwise record the refusal with its reason code."""
    if dataset.status != DatasetStatus.ACTIVE:
        raise PortalError("Only active datasets can be assigned.")
    existing = session.scalars(select(DatasetAssignment).where(
        DatasetAssignment.dataset_id == dataset.id, DatasetAssignment.vendor_id == vendor.id)).first()
    if existing is not None:
        raise PortalError(f"{dataset.name} is already assigned to {vendor.name}.")
    decision = may_process(session, dataset, vendor, today)
    if not decision.allowed:
        audit.log(session, actor, "dataset.assignment_refused", "dataset", dataset.id,
                  {"vendor_id": vendor.id, "code": decision.code})
        return AssignmentOutcome(None, decision)
    assignment = DatasetAssignment(dataset_id=dataset.id, vendor_id=vendor.id,
                                   assigned_by_id=getattr(actor, "id", None))
    session.add(assignment)
    session.flush()
    audit.log(session, actor, "dataset.assigned", "dataset", dataset.id,
              {"vendor_id": vendor.id, "basis": decision.basis})
    return AssignmentOutcome(assignment, decision)


def unassign_dataset(session: Session, actor: Actor, dataset: Dataset, vendor: Vendor) -> None:
    """Stop a vendor receiving a dataset's tasks (audited)."""
    assignment = session.scalars(select(DatasetAssignment).where(
        DatasetAssignment.dataset_id == dataset.id, DatasetAssignment.vendor_id == vendor.id)).first()
    if assignment is None:
        raise PortalError(f"{dataset.name} is not assigned to {vendor.name}.")
    session.delete(assignment)
    session.flush()
    audit.log(session, actor, "dataset.unassigned", "dataset", dataset.id, {"vendor_id": vendor.id})


def assignments_with_decisions(session: Session, dataset: Dataset, today: date) -> list[tuple[Vendor, TransferDecision]]:
    """Each assigned vendor with what the gate says today (shown on the dataset page)."""
    vendors = session.scalars(select(Vendor).join(DatasetAssignment, DatasetAssignment.vendor_id == Vendor.id)
                              .where(DatasetAssignment.dataset_id == dataset.id).order_by(Vendor.name)).all()
    return [(vendor, may_process(session, dataset, vendor, today)) for vendor in vendors]
