"""Synthetic annotation-job corpus with gold PII spans, for bench/pii_bench.py.

Five document families (support chats, HR e-mails, medical notes, address blocks, invoices) plus
free-text forum posts, each in several phrasings, filled with Faker values from five locales (en_GB,
en_US, vi_VN, en_IN, pl_PL). Every inserted value is recorded as a gold span; non-PII look-alikes
(amounts, invoice and order numbers, lab values, durations, product codes) are inserted as
distractors without gold, so over-redaction shows up in precision.

Gold types: PERSON, EMAIL_ADDRESS, PHONE_NUMBER, LOCATION (towns), STREET_ADDRESS (a whole address,
multi-line blocks included), POSTCODE (a postcode mentioned on its own), CREDIT_CARD, IBAN_CODE,
IP_ADDRESS, URL, US_SSN, UK_NHS, DATE_TIME (explicit dates and clock times), EMPLOYEE_ID.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time

from faker import Faker

LOCALES = ("en_GB", "en_US", "vi_VN", "en_IN", "pl_PL")
CARD_TYPES = (
    "visa16",
    "visa19",
    "visa13",
    "mastercard",
    "maestro",
    "jcb16",
    "jcb15",
    "amex",
    "discover",
    "diners",
)
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%d.%m.%Y", "%d %b %Y")
CURRENCIES = {"en_GB": "GBP", "en_US": "USD", "vi_VN": "VND", "en_IN": "INR", "pl_PL": "PLN"}
COUNTRIES = {
    "en_GB": "United Kingdom",
    "en_US": "USA",
    "vi_VN": "Vietnam",
    "en_IN": "India",
    "pl_PL": "Poland",
}


@dataclass(frozen=True)
class GoldSpan:
    """A PII value inserted into a document."""

    start: int
    end: int
    entity_type: str


@dataclass
class Document:
    """One synthetic text with its gold spans."""

    doc_id: str
    family: str
    locale: str
    text: str
    gold: list[GoldSpan]


@dataclass
class _Builder:
    parts: list[str] = field(default_factory=list)
    gold: list[GoldSpan] = field(default_factory=list)
    length: int = 0

    def add(self, text: str) -> _Builder:
        self.parts.append(text)
        self.length += len(text)
        return self

    def pii(self, value: str, entity_type: str) -> _Builder:
        self.gold.append(GoldSpan(self.length, self.length + len(value), entity_type))
        return self.add(value)

    def text(self) -> str:
        return "".join(self.parts)


class _Values:
    """Faker values for one document, in its locale, plus formats chosen by ``rng``."""

    def __init__(self, fakers: dict[str, Faker], locale: str, rng: random.Random) -> None:
        self.f = fakers[locale]
        self.us = fakers["en_US"]
        self.locale = locale
        self.rng = rng

    def name(self) -> str:
        return self.f.name() if self.rng.random() < 0.6 else f"{self.f.first_name()} {self.f.last_name()}"

    def first(self) -> str:
        return self.f.first_name()

    def phone(self) -> str:
        return self.f.phone_number()

    def email(self) -> str:
        return self.rng.choice([self.f.email, self.f.free_email, self.f.company_email])()

    def address(self, one_line: bool = False) -> str:
        text = self.f.address()
        return ", ".join(line.strip() for line in text.splitlines()) if one_line else text

    def city(self) -> str:
        return self.f.city()

    def postcode(self) -> str:
        return self.f.postcode()

    def card(self) -> str:
        number = self.f.credit_card_number(card_type=self.rng.choice(CARD_TYPES))
        if self.rng.random() < 0.5 and len(number) == 16:
            return " ".join(number[i : i + 4] for i in range(0, 16, 4))
        return number

    def iban(self) -> str:
        iban = self.f.iban()
        return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if self.rng.random() < 0.5 else iban

    def ip(self) -> str:
        return self.f.ipv4() if self.rng.random() < 0.8 else self.f.ipv6()

    def url(self) -> str:
        base = self.f.url()
        return base + self.rng.choice(["", "profile/" + self.f.user_name(), "u/" + self.f.user_name()])

    def date(self) -> str:
        day = self.f.date_between(start_date=date(1950, 1, 1), end_date=date(2025, 12, 31))
        return day.strftime(self.rng.choice(DATE_FORMATS))

    def clock(self, hour: int | None = None) -> str:
        moment = time(hour if hour is not None else self.rng.randint(0, 23), self.rng.randint(0, 59))
        return (
            moment.strftime("%H:%M") if self.rng.random() < 0.8 else moment.strftime("%I:%M %p").lstrip("0")
        )

    def ssn(self) -> str:
        return self.us.ssn()

    def nhs(self) -> str:
        while True:
            digits = [self.rng.randint(0, 9) for _ in range(9)]
            check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
            check = 0 if check == 11 else check
            if check != 10:
                raw = "".join(map(str, digits)) + str(check)
                return f"{raw[:3]} {raw[3:6]} {raw[6:]}"

    def amount(self) -> str:
        value = self.rng.uniform(5, 9999)
        return f"{value:,.2f}" if self.rng.random() < 0.5 else f"{value:.2f}"

    def company(self) -> str:
        return self.us.company()

    def code(self, prefix: str, digits: int) -> str:
        return f"{prefix}{self.rng.randint(10 ** (digits - 1), 10**digits - 1)}"


# ---------------------------------------------------------------- families
def support_chat(v: _Values, b: _Builder) -> None:
    """A support chat with timestamps, agent and customer names, an address, a phone and an e-mail."""
    agent, customer = v.first(), v.name()
    hour = v.rng.randint(8, 20)
    b.add("[").pii(v.clock(hour), "DATE_TIME").add("] Agent ").pii(agent, "PERSON")
    b.add(
        v.rng.choice(
            [
                ": Hello, thanks for contacting support. How can I help today?\n",
                ": Hi there, you're chatting with support. What can I do for you?\n",
            ]
        )
    )
    b.add("[").pii(v.clock(hour), "DATE_TIME").add("] ").pii(customer, "PERSON")
    b.add(
        f": Hi, my order #{v.code('', 9)} hasn't arrived. "
        f"I paid {v.amount()} {CURRENCIES[v.locale]} this morning.\n"
    )
    b.add("[").pii(v.clock(hour), "DATE_TIME").add("] Agent ").pii(agent, "PERSON")
    b.add(": Sorry to hear that. Could you confirm the delivery address?\n")
    b.add("[").pii(v.clock(hour), "DATE_TIME").add("] ").pii(customer, "PERSON").add(": ")
    b.add(v.rng.choice(["Sure, it's ", "It should go to ", "Yes: "])).pii(
        v.address(one_line=True), "STREET_ADDRESS"
    ).add("\n")
    b.add("[").pii(v.clock(hour), "DATE_TIME").add("] Agent: And a number in case the courier needs it?\n")
    b.add("[").pii(v.clock(hour), "DATE_TIME").add("] ").pii(customer, "PERSON").add(": ")
    b.add(v.rng.choice(["You can reach me on ", "Call me at ", "My mobile is ", ""])).pii(
        v.phone(), "PHONE_NUMBER"
    )
    b.add(v.rng.choice([", or email ", " or drop a line to ", ". Email: "])).pii(
        v.email(), "EMAIL_ADDRESS"
    ).add("\n")
    b.add("[").pii(v.clock(hour), "DATE_TIME").add("] Agent ").pii(agent, "PERSON").add(
        ": Thanks, I've escalated ticket "
    )
    b.add(f"{v.code('TCK-', 6)}. You'll hear back within 48 hours.\n")


def hr_email(v: _Values, b: _Builder) -> None:
    """An e-mail to HR with a header, an address block, phone, IBAN, employee id and a signature."""
    sender, hr = v.name(), v.first()
    b.add("From: ").pii(sender, "PERSON").add(" <").pii(v.email(), "EMAIL_ADDRESS").add(">\n")
    b.add(
        f"Subject: Updated personal details for the "
        f"{v.rng.choice(['March', 'Q3', 'year-end'])} payroll run\n\n"
    )
    b.add(v.rng.choice(["Dear ", "Hi ", "Hello "])).pii(hr, "PERSON").add(",\n\n")
    b.add(
        v.rng.choice(
            [
                "I've moved, so please update my records. My new address is:\n",
                "Following my relocation last month, here is my new home address:\n",
            ]
        )
    )
    b.pii(v.address(), "STREET_ADDRESS").add("\n\n")
    b.add(
        v.rng.choice(["Please also change my mobile to ", "My phone number is now ", "New contact number: "])
    )
    b.pii(v.phone(), "PHONE_NUMBER").add(" and my salary account to IBAN ").pii(v.iban(), "IBAN_CODE").add(
        ". "
    )
    b.add("My employee ID is ").pii(v.code("EMP-", 6), "EMPLOYEE_ID").add(" and I started on ").pii(
        v.date(), "DATE_TIME"
    ).add(".\n")
    b.add(
        f"I worked 37.5 hours last week and my expense claim of {v.amount()} "
        f"is still pending (ref {v.code('EXP', 7)}).\n\n"
    )
    b.add(v.rng.choice(["Kind regards,\n", "Best,\n", "Thanks,\n"])).pii(sender, "PERSON").add("\n")
    b.add(f"Senior Analyst | {v.company()}\n")


def medical_note(v: _Values, b: _Builder) -> None:
    """A clinical note: patient, dates, NHS number or SSN, lab values (distractors), next of kin."""
    b.add("Patient: ").pii(v.name(), "PERSON").add("    DOB: ").pii(v.date(), "DATE_TIME").add("\n")
    if v.locale == "en_GB":
        b.add("NHS number: ").pii(v.nhs(), "UK_NHS").add("\n")
    elif v.locale == "en_US":
        b.add("SSN: ").pii(v.ssn(), "US_SSN").add("\n")
    b.add("Seen on ").pii(v.date(), "DATE_TIME").add(" at ").pii(v.clock(), "DATE_TIME").add(" by Dr ")
    b.pii(v.f.last_name(), "PERSON").add(".\n")
    b.add(f"Presenting complaint: intermittent chest pain for the past {v.rng.randint(2, 9)} weeks. ")
    b.add(
        f"BP {v.rng.randint(100, 160)}/{v.rng.randint(60, 100)}, HR {v.rng.randint(55, 110)} bpm, "
        f"HbA1c {v.rng.randint(30, 90)} mmol/mol, weight {v.rng.randint(50, 120)}.{v.rng.randint(0, 9)} kg.\n"
    )
    b.add(
        f"Plan: start ramipril {v.rng.choice([2.5, 5, 10])} mg once daily; "
        f"review in {v.rng.randint(2, 6)} weeks.\n"
    )
    b.add("Next of kin: ").pii(v.name(), "PERSON").add(
        v.rng.choice([" (daughter), tel ", " (spouse) on ", ", contact "])
    )
    b.pii(v.phone(), "PHONE_NUMBER").add(".\n")
    b.add("Address on file: ").pii(v.address(one_line=True), "STREET_ADDRESS").add(".\n")


def address_block(v: _Values, b: _Builder) -> None:
    """A shipping label: name line above a multi-line address, phone, order line, a lone postcode."""
    b.add(v.rng.choice(["Ship to:\n", "Deliver to:\n", "Registered address\n"])).pii(v.name(), "PERSON").add(
        "\n"
    )
    b.pii(v.address() + "\n" + COUNTRIES[v.locale], "STREET_ADDRESS").add("\n")
    b.add(v.rng.choice(["Tel: ", "Phone: ", "Mob. ", "Contact: "])).pii(v.phone(), "PHONE_NUMBER").add("\n\n")
    b.add(f"Order {v.code('ORD-', 8)} · {v.rng.randint(1, 9)} items · {v.amount()} {CURRENCIES[v.locale]}\n")
    b.add("Leave with neighbour at ").pii(v.address(one_line=True), "STREET_ADDRESS").add(
        " if nobody is home.\n"
    )
    b.add("Postcode for the depot: ").pii(v.postcode(), "POSTCODE").add(".\n")


def invoice(v: _Values, b: _Builder) -> None:
    """An invoice with reference numbers and amounts (distractors), address, card or IBAN, a URL."""
    b.add(f"INVOICE INV-{v.rng.randint(2019, 2025)}-{v.rng.randint(1000, 999999):06d}\n")
    b.add("Date: ").pii(v.date(), "DATE_TIME").add("    Due: ").pii(v.date(), "DATE_TIME").add("\n")
    b.add("Bill to: ").pii(v.name(), "PERSON").add(f", {v.company()}\n").pii(
        v.address(), "STREET_ADDRESS"
    ).add("\n")
    b.add("Email: ").pii(v.email(), "EMAIL_ADDRESS").add("\n\n")
    for _ in range(v.rng.randint(2, 4)):
        b.add(f"{v.code('SKU-', 5)}  Widget service  qty {v.rng.randint(1, 40)}  {v.amount()}\n")
    b.add(f"Subtotal {v.amount()}   VAT 20%   Total {v.amount()} {CURRENCIES[v.locale]}\n")
    if v.rng.random() < 0.5:
        b.add("Paid by card ").pii(v.card(), "CREDIT_CARD").add(
            f", authorisation code {v.rng.randint(100000, 999999)}.\n"
        )
    else:
        b.add("Pay by bank transfer to IBAN ").pii(v.iban(), "IBAN_CODE").add(
            f" quoting reference {v.code('RF', 8)}.\n"
        )
    b.add("Questions? Call ").pii(v.phone(), "PHONE_NUMBER").add(" or visit ").pii(v.url(), "URL").add(".\n")


def forum_post(v: _Values, b: _Builder) -> None:
    """Free text: towns, a card, an IP address, a profile URL, a phone and an e-mail."""
    b.add(v.rng.choice(["Hi all, I'm ", "Hello everyone, my name is ", "Long-time reader here. I'm "])).pii(
        v.name(), "PERSON"
    )
    b.add(" and I live in ").pii(v.city(), "LOCATION").add(". Last week I moved to ").pii(
        v.city(), "LOCATION"
    ).add(".\n")
    b.add("My card ending in ").add(str(v.rng.randint(1000, 9999))).add(" was declined, so I used ").pii(
        v.card(), "CREDIT_CARD"
    )
    b.add(f" to pay {v.amount()}. The site logged my IP as ").pii(v.ip(), "IP_ADDRESS").add(" and ")
    b.add("my profile is at ").pii(v.url(), "URL").add(".\n")
    b.add(
        f"It took about {v.rng.randint(2, 50)} minutes and version "
        f"3.{v.rng.randint(0, 20)}.{v.rng.randint(0, 9)} of the app. "
    )
    b.add("If anyone can help, text me on ").pii(v.phone(), "PHONE_NUMBER").add(" or write to ").pii(
        v.email(), "EMAIL_ADDRESS"
    )
    b.add(". I'm around until ").pii(v.clock(), "DATE_TIME").add(" tonight.\n")


FAMILIES: dict[str, Callable[[_Values, _Builder], None]] = {
    "support_chat": support_chat,
    "hr_email": hr_email,
    "medical_note": medical_note,
    "address_block": address_block,
    "invoice": invoice,
    "forum_post": forum_post,
}


def generate(n_docs: int = 2400, seed: int = 7) -> list[Document]:
    """``n_docs`` documents, families and locales in rotation, reproducible for a given ``seed``."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    fakers = {locale: Faker(locale) for locale in LOCALES}
    for i, faker in enumerate(fakers.values()):
        faker.seed_instance(seed * 100 + i)
    docs = []
    families = list(FAMILIES.items())
    for i in range(n_docs):
        family, build = families[i % len(families)]
        locale = LOCALES[(i // len(families)) % len(LOCALES)]
        builder = _Builder()
        build(_Values(fakers, locale, rng), builder)
        docs.append(Document(f"doc-{i:05d}", family, locale, builder.text(), builder.gold))
    return docs
