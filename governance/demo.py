"""Demo data: vendors in four regions with their DPAs, people in every role, and datasets.

Rates sit inside the seed guide's published regional ranges (Vietnam $9–25, India $25–60,
Eastern Europe $50–90, US/UK $75–135). Seeding is idempotent: a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import audit
from governance.accounts import UserInput, create_user
from governance.assignments import assign_dataset
from governance.audit import SYSTEM
from governance.datasets import DatasetInput, create_dataset
from governance.db import utcnow
from governance.dpas import required_clauses
from governance.models import Dpa, Role, TransferMechanism, User, Vendor
from governance.vendors import VendorInput, create_vendor

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105  (printed by `demo`; demo databases only)
DEMO_LOGINS = [
    ("admin", "tom.admin@portal.example"),
    ("compliance_officer", "sophie.dpo@portal.example"),
    ("vendor_manager", "marta.vm@portal.example"),
    ("annotator", "linh.nguyen@saigon-data.example"),
]

# name, country, city, rate, DPA: (mechanism, scc module, days until expiry, TIA done)
VENDORS = [
    ("Saigon Data Labs", "VN", "Ho Chi Minh City", "18.00", (TransferMechanism.SCC, 2, 420, True)),
    ("Da Nang Tagging Collective", "VN", "Da Nang", "12.50", (TransferMechanism.NONE, None, 300, False)),
    ("Bangalore Label Works", "IN", "Bengaluru", "38.00", (TransferMechanism.SCC, 2, 10, True)),
    ("Krakow Annotation Studio", "PL", "Kraków", "68.00", (TransferMechanism.NONE, None, 540, False)),
    ("Manchester Review Partners", "GB", "Manchester", "95.00", (TransferMechanism.ADEQUACY, None, 700, False)),
]

ANNOTATORS = {
    "Saigon Data Labs": ("Asia/Ho_Chi_Minh", ["Linh Nguyen", "Minh Tran", "Thao Pham", "Quang Le", "Hoa Vu",
                                              "Duc Hoang"]),
    "Da Nang Tagging Collective": ("Asia/Ho_Chi_Minh", ["Trang Dang", "Bao Ngo"]),
    "Bangalore Label Works": ("Asia/Kolkata", ["Priya Raman", "Arjun Mehta", "Kavya Iyer", "Rohan Das",
                                               "Sneha Kulkarni"]),
    "Krakow Annotation Studio": ("Europe/Warsaw", ["Anna Kowalska", "Piotr Nowak", "Zofia Wiśniewska"]),
    "Manchester Review Partners": ("Europe/London", ["Oliver Hughes", "Amelia Clarke", "Jack Patel"]),
}

MANAGERS = [
    ("Marta Silva", "marta.vm@portal.example", ["Saigon Data Labs", "Da Nang Tagging Collective",
                                                "Bangalore Label Works"]),
    ("James Whitfield", "james.vm@portal.example", ["Krakow Annotation Studio", "Manchester Review Partners"]),
]

DATASETS = [
    DatasetInput("Support chat intents", "sft", "legitimate_interests", "classification",
                 ["billing", "delivery", "refund", "technical", "account", "other"],
                 "Customer-support chats labelled by intent for an assistant model."),
    DatasetInput("Assistant preference pairs", "preference", "legitimate_interests", "preference", [],
                 "Prompt with two to four model answers, ranked for RLHF."),
    DatasetInput("Safety review queue", "safety", "legitimate_interests", "classification",
                 ["safe", "unsafe", "needs_context"], "User messages screened for harmful content."),
    DatasetInput("Call-centre transcripts", "transcription", "consent", "transcript", [],
                 "Machine transcripts of recorded support calls, corrected by people."),
]

REFUSED_VENDOR = "Da Nang Tagging Collective"
ASSIGNMENTS = {
    "Support chat intents": ["Saigon Data Labs", "Bangalore Label Works", "Krakow Annotation Studio"],
    "Assistant preference pairs": ["Saigon Data Labs", "Manchester Review Partners"],
    "Safety review queue": ["Saigon Data Labs", "Krakow Annotation Studio"],
    "Call-centre transcripts": ["Manchester Review Partners", "Bangalore Label Works"],
}


def _email_for(name: str, vendor: str) -> str:
    if name == "Linh Nguyen":
        return "linh.nguyen@saigon-data.example"
    local = name.lower().replace(" ", ".").encode("ascii", "ignore").decode()
    domain = vendor.split()[0].lower().encode("ascii", "ignore").decode()
    return f"{local}@{domain}.example"


def _add_dpa(session: Session, vendor: Vendor, spec: tuple, today: date) -> None:
    mechanism, module, days_left, tia = spec
    dpa = Dpa(
        vendor_id=vendor.id, reference=f"DPA-{vendor.country}-{vendor.id:03d}", signed_on=today - timedelta(days=300),
        expires_on=today + timedelta(days=days_left), storage_countries=sorted({vendor.country, "IE"}),
        transfer_mechanism=mechanism, scc_module=module, tia_completed_on=today - timedelta(days=290) if tia else None,
        sub_processors=["Hetzner (DE)"] if vendor.country == "PL" else [], deletion_sla_days=30,
        art28_clauses=list(required_clauses()),
    )
    session.add(dpa)
    session.flush()
    audit.log(session, SYSTEM, "dpa.created", "dpa", dpa.id, {"vendor_id": vendor.id})


def seed_demo(session: Session) -> bool:
    """Load the demo data unless it is already there; return whether anything was created."""
    if session.scalar(select(User).where(User.email == DEMO_LOGINS[0][1])) is not None:
        return False
    now = utcnow()
    vendors = {}
    for name, country, city, rate, dpa_spec in VENDORS:
        vendor = create_vendor(session, SYSTEM, VendorInput(name, country, city, rate,
                                                            nda_signed_on=now.date() - timedelta(days=320),
                                                            ip_assignment_signed_on=now.date() - timedelta(days=320)))
        _add_dpa(session, vendor, dpa_spec, now.date())
        vendors[name] = vendor
    _seed_people(session)
    admin = session.scalars(select(User).where(User.email == DEMO_LOGINS[0][1])).one()
    for data in DATASETS:
        dataset = create_dataset(session, admin, data, now)
        for vendor_name in ASSIGNMENTS[data.name]:
            outcome = assign_dataset(session, admin, dataset, vendors[vendor_name], now.date())
            if outcome.assignment is None:
                raise RuntimeError(f"demo assignment refused: {outcome.decision.code}")
    # The vendor without a transfer mechanism: the gate refuses, and the refusal is on record.
    refused = assign_dataset(session, admin, dataset, vendors[REFUSED_VENDOR], now.date())
    assert refused.assignment is None
    session.flush()
    for _order, step in sorted(_DEMO_STEPS, key=lambda pair: pair[0]):
        step(session, now)
    session.flush()
    return True


DemoStep = Callable[[Session, datetime], None]
_DEMO_STEPS: list[tuple[int, DemoStep]] = []


def register_demo_step(order: int, step: DemoStep) -> None:
    """Let later packages add demo data (items, work history, erasure requests) after the core."""
    if (order, step) not in _DEMO_STEPS:
        _DEMO_STEPS.append((order, step))


def _seed_people(session: Session) -> None:
    def make(name: str, email: str, role: Role, vendor_names: list[str], tz: str = "UTC") -> None:
        create_user(session, SYSTEM, UserInput(email, name, role, vendor_names, tz, DEMO_PASSWORD))

    make("Tom Becker", "tom.admin@portal.example", Role.ADMIN, [], "Europe/Berlin")
    make("Sophie Laurent", "sophie.dpo@portal.example", Role.COMPLIANCE_OFFICER, [], "Europe/Paris")
    for name, email, managed in MANAGERS:
        make(name, email, Role.VENDOR_MANAGER, managed, "Europe/London")
    for vendor_name, (tz, names) in ANNOTATORS.items():
        for name in names:
            make(name, _email_for(name, vendor_name), Role.ANNOTATOR, [vendor_name], tz)

