"""Datasets: creation with a retention clock, and the list each role may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from config import load_policy
from governance import audit
from governance.audit import Actor
from governance.errors import PortalError
from governance.models import Dataset, DatasetAssignment, DatasetStatus, User
from governance.permissions import vendor_scope

TASK_KINDS = ("classification", "preference", "rewrite", "transcript")


def purposes() -> dict[str, dict]:
    return dict(load_policy("retention")["purposes"])


@dataclass
class DatasetInput:
    name: str
    purpose: str
    lawful_basis: str
    task_kind: str = "classification"
    labels: list[str] = field(default_factory=list)
    description: str = ""
    retention_days: int | None = None
    contains_personal_data: bool = True
    special_category: bool = False
    modality: str = "text"
    gold_rate: Decimal = Decimal("0.05")
    overlap_k: int = 1


def _validate(session: Session, data: DatasetInput) -> int:
    if not data.name.strip():
        raise PortalError("Enter a dataset name.", "name")
    if session.scalar(select(Dataset).where(func.lower(Dataset.name) == data.name.strip().lower())):
        raise PortalError("A dataset with this name exists already.", "name")
    if data.purpose not in purposes():
        raise PortalError(f"Unknown purpose; choose one of {', '.join(purposes())}.", "purpose")
    if data.lawful_basis not in load_policy("retention")["lawful_bases"]:
        raise PortalError("Unknown lawful basis (GDPR Art 6(1)).", "lawful_basis")
    if data.task_kind not in TASK_KINDS:
        raise PortalError(f"Unknown task kind; choose one of {', '.join(TASK_KINDS)}.", "task_kind")
    if not Decimal("0") <= data.gold_rate <= Decimal("0.5"):
        raise PortalError("The gold rate is a share between 0 and 0.5.", "gold_rate")
    if not 1 <= data.overlap_k <= 10:
        raise PortalError("Overlap must be between 1 and 10 annotators.", "overlap_k")
    days = data.retention_days if data.retention_days is not None else purposes()[data.purpose]["days"]
    if not 1 <= days <= 3650:
        raise PortalError("Retention must be between 1 day and 10 years.", "retention_days")
    return days


def create_dataset(session: Session, actor: Actor, data: DatasetInput, now: datetime) -> Dataset:
    """Create a dataset; ``expires_at`` follows from the retention period (purpose default if unset)."""
    days = _validate(session, data)
    dataset = Dataset(
        name=data.name.strip(), purpose=data.purpose, lawful_basis=data.lawful_basis, task_kind=data.task_kind,
        labels=list(data.labels), description=data.description, retention_days=days,
        expires_at=now + timedelta(days=days), contains_personal_data=data.contains_personal_data,
        special_category=data.special_category, modality=data.modality, gold_rate=data.gold_rate,
        overlap_k=data.overlap_k, status=DatasetStatus.ACTIVE, created_at=now,
    )
    session.add(dataset)
    session.flush()
    audit.log(session, actor, "dataset.created", "dataset", dataset.id,
              {"purpose": dataset.purpose, "retention_days": days})
    return dataset


def datasets_visible_to(user: User) -> Select:
    """Staff see every dataset; vendor people see the datasets assigned to their vendors."""
    query = select(Dataset).order_by(Dataset.name)
    scope = vendor_scope(user)
    if scope is None:
        return query
    assigned = select(DatasetAssignment.dataset_id).where(DatasetAssignment.vendor_id.in_(scope))
    return query.where(Dataset.id.in_(assigned))
