"""Tables of the governance core: people, vendors, contracts, datasets and the audit chain."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.db import Base, UtcDateTime, utcnow


class Role(enum.StrEnum):
    """The four roles; every endpoint declares which of them may call it."""

    ADMIN = "admin"
    COMPLIANCE_OFFICER = "compliance_officer"
    VENDOR_MANAGER = "vendor_manager"
    ANNOTATOR = "annotator"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class TransferMechanism(enum.StrEnum):
    """How personal data may lawfully leave the EEA for a vendor (GDPR Chapter V)."""

    ADEQUACY = "adequacy"
    SCC = "scc"
    BCR = "bcr"
    NONE = "none"


class DatasetStatus(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    DELETED = "deleted"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings with a CHECK constraint: portable and readable in raw SQL.
    return Enum(cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=32)


vendor_managers = Table(
    "vendor_managers",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("vendor_id", ForeignKey("vendors.id", ondelete="CASCADE"), primary_key=True),
)


class Vendor(Base):
    """An annotation company the client outsources to."""

    __tablename__ = "vendors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(120), default="")
    hourly_rate_usd: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    nda_signed_on: Mapped[date | None] = mapped_column(Date)
    ip_assignment_signed_on: Mapped[date | None] = mapped_column(Date)
    dpf_certified: Mapped[bool] = mapped_column(Boolean, default=False)
    # Adequacy decisions with a scope limit (CA: PIPEDA, JP: APPI, KR: PIPA …) cover a vendor only
    # when it is confirmed to fall inside that scope; the US uses ``dpf_certified`` instead.
    adequacy_scope_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    corporate_group: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    dpas: Mapped[list[Dpa]] = relationship(back_populates="vendor", order_by="Dpa.signed_on.desc()")
    managers: Mapped[list[User]] = relationship(secondary=vendor_managers, back_populates="managed_vendors")


class User(Base):
    """Someone who signs in. Annotators belong to one vendor; vendor managers manage one or more."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role <> 'annotator' OR vendor_id IS NOT NULL", name="annotator_has_vendor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    vendor: Mapped[Vendor | None] = relationship(foreign_keys=[vendor_id])
    managed_vendors: Mapped[list[Vendor]] = relationship(secondary=vendor_managers, back_populates="managers")

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class Dpa(Base):
    """A Data Processing Agreement (GDPR Art. 28) with a vendor; its status is derived, never typed."""

    __tablename__ = "dpas"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(80))
    signed_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    storage_countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    transfer_mechanism: Mapped[TransferMechanism] = mapped_column(
        _enum(TransferMechanism, "transfer_mechanism"), default=TransferMechanism.NONE
    )
    scc_module: Mapped[int | None] = mapped_column(Integer)
    tia_completed_on: Mapped[date | None] = mapped_column(Date)
    sub_processors: Mapped[list[str]] = mapped_column(JSON, default=list)
    deletion_sla_days: Mapped[int] = mapped_column(Integer, default=30)
    art28_clauses: Mapped[list[str]] = mapped_column(JSON, default=list)
    document_digest: Mapped[str | None] = mapped_column(String(64))
    document_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    vendor: Mapped[Vendor] = relationship(back_populates="dpas")


class Dataset(Base):
    """A body of annotation items with its purpose, lawful basis and retention clock."""

    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    purpose: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    lawful_basis: Mapped[str] = mapped_column(String(40))
    contains_personal_data: Mapped[bool] = mapped_column(Boolean, default=True)
    special_category: Mapped[bool] = mapped_column(Boolean, default=False)
    modality: Mapped[str] = mapped_column(String(20), default="text")
    task_kind: Mapped[str] = mapped_column(String(20), default="classification")
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    gold_rate: Mapped[Decimal] = mapped_column(Numeric(4, 3), default=Decimal("0.05"))
    overlap_k: Mapped[int] = mapped_column(Integer, default=1)
    retention_days: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    status: Mapped[DatasetStatus] = mapped_column(_enum(DatasetStatus, "dataset_status"), default="active")
    key_id: Mapped[str | None] = mapped_column(String(40))
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    assignments: Mapped[list[DatasetAssignment]] = relationship(back_populates="dataset")


class DatasetAssignment(Base):
    """A vendor allowed to receive a dataset's tasks (checked again at every task served)."""

    __tablename__ = "dataset_assignments"
    __table_args__ = (UniqueConstraint("dataset_id", "vendor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    dataset: Mapped[Dataset] = relationship(back_populates="assignments")
    vendor: Mapped[Vendor] = relationship()


class AuditEvent(Base):
    """One link of the append-only, HMAC-chained audit trail. Details hold ids and counts only."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_action_occurred", "action", "occurred_at"),
        Index("ix_audit_events_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The single row that names the newest event; writers lock it so the chain stays linear."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """Count and head hash recorded at each verification, kept apart from the events.

    Deleting the newest events leaves a chain that is internally consistent; the checkpoints are what
    reveal such a truncation.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    event_count: Mapped[int] = mapped_column(Integer)
    head_seq: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)
    broken_seq: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(String(255), default="")
