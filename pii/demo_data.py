"""Demo items, imported through the real pipeline (so the demo shows real redaction).

Deterministic: the same records every time. One data subject (Nguyen Thi Mai) appears in several
items so the erasure journey has something to find.
"""

from __future__ import annotations

import json
import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.audit import SYSTEM
from governance.models import Dataset

SUBJECT = {"name": "Nguyen Thi Mai", "email": "mai.nguyen@example.com", "phone": "+84 90 123 4567"}
NAMES = ["Tran Van Hung", "Le Thi Lan", "Priya Sharma", "Rahul Verma", "Agnieszka Nowak", "Tomasz Zielinski",
         "Oliver Bennett", "Charlotte Evans", "Pham Minh Duc", "Ananya Iyer", "Katarzyna Lewandowska", "Harry Walker"]
PHONES = ["+84 91 234 5678", "0903 456 789", "+91 98765 43210", "098765 43211", "+48 601 234 567", "22 123 45 67",
          "+44 20 7946 0018", "07700 900123", "(415) 555-0134", "+1 202 555 0199"]
STREETS = ["12 Nguyen Hue Street, District 1, Ho Chi Minh City", "221B Baker Street, London NW1 6XE",
           "ul. Marszalkowska 84, 00-514 Warszawa", "14 MG Road, Bengaluru 560001", "45 Le Loi, Hanoi"]
INTENTS = {
    "delivery": ["My parcel has not arrived yet, the tracking says it left the depot on Monday.",
                 "The courier left my order with a neighbour I don't know.", "Can I change the delivery address?"],
    "billing": ["I was charged twice for order {order}.", "Why is there a fee on my last invoice?",
                "My card ending 4242 was declined but money left my account."],
    "refund": ["I returned the blender two weeks ago and still have no refund.", "Please refund order {order}."],
    "technical": ["The app crashes when I open my orders.", "I cannot reset my password, the link expires."],
    "account": ["Please close my account.", "I want to change the e-mail on my account."],
}
SAFETY = [
    ("safe", [], "What is a good recipe for pho?"),
    ("safe", [], "Can you summarise this article about solar panels?"),
    ("unsafe", ["violence"], "He said he would kill the neighbour's dog and beat anyone who tried to stop him."),
    ("unsafe", ["self_harm"], "I keep thinking about suicide and I don't know who to talk to."),
    ("unsafe", ["hate"], "Post that says people from that country are vermin and should go back to your country."),
    ("needs_context", ["violence"], "The war film showed a shooting in graphic detail."),
    ("unsafe", ["extremism"], "Share the manifesto and the bomb-making guide with the group."),
    ("needs_context", ["medical"], "My biopsy came back and the diagnosis is a tumour, what next?"),
]


def _chat(rng: random.Random, i: int) -> dict:
    intent = rng.choice(list(INTENTS))
    text = rng.choice(INTENTS[intent]).format(order=f"VN-{rng.randint(100000, 999999)}")
    name, phone = rng.choice(NAMES), rng.choice(PHONES)
    email = name.lower().replace(" ", ".") + "@example.com"
    if i % 17 == 3:
        name, phone, email = SUBJECT["name"], SUBJECT["phone"], SUBJECT["email"]
    opener = rng.choice([f"Hi, this is {name}.", f"Hello, my name is {name}.", f"{name} here."])
    contact = rng.choice([f"Call me on {phone}.", f"My e-mail is {email}.", f"You can reach me at {phone} or {email}."])
    record = {"id": f"chat-{i:04d}", "kind": "classification", "text": f"{opener} {text} {contact}",
              "prelabel": intent if rng.random() < 0.85 else rng.choice(list(INTENTS))}
    if i % 20 == 7:
        record["gold"] = intent
    return record


def _safety(rng: random.Random, i: int) -> dict:
    label, categories, text = SAFETY[i % len(SAFETY)]
    record = {"id": f"safety-{i:04d}", "kind": "classification", "text": f"{text} (reported by {rng.choice(NAMES)})",
              "sensitivity": categories, "prelabel": label}
    if i % 9 == 4:
        record["gold"] = label
    return record


def _preference(rng: random.Random, i: int) -> dict:
    name = rng.choice(NAMES)
    return {"id": f"pref-{i:04d}", "kind": "preference",
            "prompt": f"Write a short apology to {name} whose order arrived late.",
            "responses": [f"Dear {name}, we are sorry your order was late. A voucher is on its way.",
                          "sorry for delay",
                          f"Hello {name.split()[0]}, apologies for the delay; we have refunded the shipping fee."][
                : 2 + (i % 2)]}


def _transcript(rng: random.Random, i: int) -> dict:
    name = SUBJECT["name"] if i % 10 == 1 else rng.choice(NAMES)
    return {"id": f"call-{i:04d}", "kind": "transcript",
            "text": f"agent: thank you for calling, who am I speaking with? caller: it's {name}, I live at "
                    f"{rng.choice(STREETS)} and my number is {rng.choice(PHONES)}. agent: how can I help?"}


GENERATORS = {
    "Support chat intents": (_chat, 240),
    "Safety review queue": (_safety, 96),
    "Assistant preference pairs": (_preference, 60),
    "Call-centre transcripts": (_transcript, 40),
}


def demo_records(dataset_name: str) -> list[dict]:
    make, count = GENERATORS[dataset_name]
    rng = random.Random(f"demo:{dataset_name}")  # noqa: S311 (reproducible demo data)
    return [make(rng, i) for i in range(count)]


def import_demo_items(session: Session, now: datetime) -> None:
    """Import each demo dataset's records through the same pipeline as a user's upload."""
    from flask import current_app

    from pii.imports import import_context
    from pii.ingest import create_job, run_import

    context = import_context(current_app._get_current_object())
    for name in GENERATORS:
        dataset = session.scalars(select(Dataset).where(Dataset.name == name)).first()
        if dataset is None:
            continue
        data = "\n".join(json.dumps(r, ensure_ascii=False) for r in demo_records(name)).encode("utf-8")
        job = create_job(session, SYSTEM, dataset, f"{name.lower().replace(' ', '-')}.jsonl", False)
        session.commit()
        run_import(session, SYSTEM, job.id, data, context)
