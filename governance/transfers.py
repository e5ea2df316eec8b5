"""The international-transfer gate (DESIGN rule 2): may this dataset go to this vendor today, and if not, why.

GDPR Chapter V lets personal data leave the EEA only on a lawful path, and Art 28 lets a processor touch it
only under a complete, signed contract. Assignment and task serving both ask :func:`may_process`, so the rule
is enforced in one place and an expired DPA stops work on the day it lapses. The legal facts (EEA members,
adequacy decisions and their scope limits, SCC modules, TIA period) live in ``config/transfers.toml`` with
their sources; this module holds only the reasoning, in :func:`decide`, which is pure so it can be tested
without a database.

Special-category data (Art 9): the reference adds no transfer condition for it. Art 9 decides whether the
processing may happen at all (an Art 9(2) exception), which is the dataset's lawful basis, not the vendor's
transfer path, so :func:`decide` applies the same gate to special-category and ordinary personal data.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import load_policy
from governance.dpas import DpaStatus, current_dpa, dpa_status, missing_clauses, required_clauses
from governance.models import Dataset, Dpa, TransferMechanism, Vendor


class CountryStatus(enum.StrEnum):
    """Where a country stands under Chapter V, before any vendor-specific check."""

    EEA = "eea"
    ADEQUACY = "adequacy"
    THIRD = "third"


# Vendor flags an adequacy decision may name as its recipient check, with the label admins see on the form.
_RECIPIENT_FLAGS = {"dpf_certified": "DPF certified", "adequacy_scope_confirmed": "adequacy scope confirmed"}


@dataclass(frozen=True)
class Adequacy:
    """One Art 45 decision; ``recipient_check`` names the vendor flag it needs, if its scope is limited."""

    decision: str
    expires: date | None
    recipient_check: str | None
    recipient_check_note: str

    def in_force(self, today: date) -> bool:
        """Whether the decision still applies on ``today``; "valid to 27 Dec 2031" covers that day itself."""
        return self.expires is None or today <= self.expires


@dataclass(frozen=True)
class TransferPolicy:
    """``config/transfers.toml`` parsed and checked once, so a typo fails at start-up, not at assignment."""

    countries: Mapping[str, str]
    aliases: Mapping[str, str]
    eea: frozenset[str]
    adequacy: Mapping[str, Adequacy]
    scc_modules: Mapping[int, str]
    scc_module: int
    scc_label: str
    deprecated: Mapping[str, str]
    requires_tia: bool
    tia_months: int
    controller_group: str
    with_article: frozenset[str] = frozenset()

    def name(self, code: str) -> str:
        """The country as it reads mid-sentence ("the United States", "Vietnam"); unknown codes as given."""
        name = self.countries.get(code, code)
        return f"the {name}" if code in self.with_article else name


@dataclass(frozen=True)
class VendorFacts:
    """What the gate needs to know about a vendor; ``of`` reads it from the row."""

    name: str
    country: str
    dpf_certified: bool = False
    adequacy_scope_confirmed: bool = False
    corporate_group: str = ""

    @classmethod
    def of(cls, vendor: Vendor) -> VendorFacts:
        return cls(vendor.name, vendor.country, bool(vendor.dpf_certified),
                   bool(vendor.adequacy_scope_confirmed), vendor.corporate_group or "")


@dataclass(frozen=True)
class DpaFacts:
    """The vendor's governing DPA as the gate sees it; ``of`` reads it from the row."""

    reference: str
    signed_on: date | None
    expires_on: date | None
    storage_countries: tuple[str, ...] = ()
    transfer_mechanism: str = TransferMechanism.NONE.value
    scc_module: int | None = None
    tia_completed_on: date | None = None
    art28_clauses: tuple[str, ...] = ()

    @classmethod
    def of(cls, dpa: Dpa) -> DpaFacts:
        return cls(dpa.reference, dpa.signed_on, dpa.expires_on, tuple(dpa.storage_countries or ()),
                   TransferMechanism(dpa.transfer_mechanism).value, dpa.scc_module, dpa.tia_completed_on,
                   tuple(dpa.art28_clauses or ()))


@dataclass(frozen=True)
class DatasetFacts:
    """The dataset flags that decide whether the gate applies at all; ``of`` reads them from the row."""

    name: str
    contains_personal_data: bool = True
    special_category: bool = False

    @classmethod
    def of(cls, dataset: Dataset) -> DatasetFacts:
        return cls(dataset.name, bool(dataset.contains_personal_data), bool(dataset.special_category))


@dataclass(frozen=True)
class TransferDecision:
    """The gate's answer; ``reasons`` are shown verbatim to admins and compliance officers."""

    allowed: bool
    reasons: list[str]
    code: str
    basis: str | None = None

    @property
    def message(self) -> str:
        """The reasons as one paragraph, for a flash message or a JSON error body."""
        return " ".join(r if r.endswith(".") else f"{r}." for r in self.reasons)


class _Refusal(NamedTuple):
    code: str
    reason: str


# --- configuration -------------------------------------------------------------------------------------


@cache
def transfer_policy() -> TransferPolicy:
    """The transfer facts of ``config/transfers.toml`` (immutable at run time, like every policy)."""
    raw = load_policy("transfers")
    scc_module = _our_scc_module(raw)
    return TransferPolicy(
        countries=dict(raw["countries"]),
        aliases=dict(raw.get("country_aliases", {})),
        eea=frozenset(raw["eea"]["countries"]),
        adequacy={code: _adequacy(code, spec) for code, spec in raw["adequacy"].items()},
        scc_modules={int(n): desc for n, desc in raw["scc_2021"]["modules"].items()},
        scc_module=scc_module,
        scc_label=f"2021 SCCs (module {scc_module})",
        deprecated={key: f"{spec['label']}, which {spec['why']}"
                    for key, spec in raw["deprecated_mechanisms"].items()},
        requires_tia=bool(raw["tia"]["requires_tia"]),
        tia_months=int(raw["tia"]["reevaluate_after_months"]),
        controller_group=str(raw.get("controller_group", "")),
        with_article=frozenset(raw.get("countries_with_article", ())),
    )


def _adequacy(code: str, spec: Mapping[str, Any]) -> Adequacy:
    check = spec.get("recipient_check") if spec.get("requires_recipient_check") else None
    if check is not None and check not in _RECIPIENT_FLAGS:
        raise ValueError(f"config/transfers.toml: adequacy.{code}.recipient_check must be one of "
                         f"{list(_RECIPIENT_FLAGS)}")
    return Adequacy(spec["decision"], spec.get("expires"), check, spec.get("recipient_check_note", ""))


def _our_scc_module(raw: Mapping[str, Any]) -> int:
    """The SCC module that fits our role (controller → module 2), taken from the mechanism table."""
    modules = [m["scc_module"] for m in raw["third_country_mechanisms"].values()
               if m.get("dpa_mechanism") == "scc" and m.get("exporter_role") == raw["our_role"]]
    if len(modules) != 1:
        raise ValueError(f"config/transfers.toml: expected one SCC module for our_role {raw['our_role']!r}")
    return int(modules[0])


# --- countries -----------------------------------------------------------------------------------------


def normalise_country(code: str) -> str:
    """Upper-case ISO alpha-2 with EU aliases resolved (EL → GR), the form stored in the database."""
    return _normalise(code, transfer_policy())


def _normalise(code: str, policy: TransferPolicy) -> str:
    code = code.strip().upper()
    return policy.aliases.get(code, code)


def valid_country(code: str) -> bool:
    """Whether ``code`` is an assigned ISO 3166-1 alpha-2 code (or an accepted alias such as EL)."""
    return normalise_country(code) in transfer_policy().countries


def country_status(country: str, today: date | None = None) -> CountryStatus:
    """EEA, adequacy (a decision in force ``today``, default the current UTC date) or third country.

    Unknown codes count as third countries: the strictest treatment. Whether an adequacy decision covers a
    particular vendor is a separate, per-vendor question answered by :func:`decide`.
    """
    return _status(normalise_country(country), today or datetime.now(UTC).date(), transfer_policy())


def _status(code: str, today: date, policy: TransferPolicy) -> CountryStatus:
    if code in policy.eea:
        return CountryStatus.EEA
    adequacy = policy.adequacy.get(code)
    return CountryStatus.ADEQUACY if adequacy and adequacy.in_force(today) else CountryStatus.THIRD


# --- the decision --------------------------------------------------------------------------------------


def may_process(session: Session, dataset: Dataset, vendor: Vendor, today: date) -> TransferDecision:
    """:func:`decide` for database rows, against the DPA that governs the vendor ``today``.

    The DPAs are queried afresh rather than read from ``vendor.dpas`` so a DPA recorded earlier in the same
    session is never missed through a stale relationship.
    """
    dpas = list(session.scalars(select(Dpa).where(Dpa.vendor_id == vendor.id)))
    dpa = current_dpa(dpas, today)
    return decide(VendorFacts.of(vendor), DpaFacts.of(dpa) if dpa else None, DatasetFacts.of(dataset), today)


def decide(vendor: VendorFacts, dpa: DpaFacts | None, dataset: DatasetFacts, today: date,
           *, policy: TransferPolicy | None = None) -> TransferDecision:
    """Whether ``dataset`` may be processed by ``vendor`` on ``today``, with every reason if not.

    All failures are reported at once so an officer can fix the DPA in one go; ``code`` names the first in
    the order of DESIGN rule 2: signed, unexpired and complete DPA, storage countries, transfer mechanism.
    Art 9 data get the same gate (see the module docstring). ``policy`` is for tests of other settings.
    """
    policy = policy or transfer_policy()
    if not dataset.contains_personal_data:
        reason = f"Dataset {dataset.name} holds no personal data: no DPA or transfer mechanism is needed"
        return TransferDecision(True, [reason], "no_personal_data", "no_personal_data")
    country = _normalise(vendor.country, policy)
    if country not in policy.countries:
        return _refused([_Refusal("unknown_country", f"Vendor {vendor.name} has an unknown country code "
                                  f"{vendor.country!r}; correct it before assigning work")])
    if dpa is None:
        return _refused([_Refusal("no_dpa", f"Vendor {vendor.name} has no data processing agreement "
                                  "(Art 28)")])
    refusals = [*_dpa_refusals(dpa, today), *_storage_refusals(vendor, country, dpa, today, policy)]
    basis, mechanism_refusals = _transfer_basis(vendor, country, dpa, today, policy)
    refusals += mechanism_refusals
    if refusals or basis is None:
        return _refused(refusals)
    until = f"until {dpa.expires_on.isoformat()}" if dpa.expires_on else "(no end date)"
    in_force = f"DPA {dpa.reference} is signed, complete and in force {until}"
    return TransferDecision(True, [basis.reason, in_force], "ok", basis.code)


def _refused(refusals: list[_Refusal]) -> TransferDecision:
    return TransferDecision(False, [r.reason for r in refusals], refusals[0].code if refusals else "refused")


def _dpa_refusals(dpa: DpaFacts, today: date) -> list[_Refusal]:
    """Art 28: a processor may act only under a signed, current contract that covers every clause."""
    # dpa_status and missing_clauses read only signed_on, expires_on and art28_clauses; DpaFacts has them.
    status = dpa_status(cast(Dpa, dpa), today)
    refusals: list[_Refusal] = []
    if status == DpaStatus.DRAFT:
        when = f"dated {dpa.signed_on.isoformat()}, in the future" if dpa.signed_on else "not signed yet"
        refusals.append(_Refusal("dpa_not_signed", f"DPA {dpa.reference} is {when}"))
    elif status == DpaStatus.EXPIRED and dpa.expires_on is not None:
        expired = f"DPA {dpa.reference} expired on {dpa.expires_on.isoformat()}"
        refusals.append(_Refusal("dpa_expired", expired))
    missing = missing_clauses(cast(Dpa, dpa))
    if missing:
        refusals.append(_Refusal("incomplete_dpa", _missing_clauses_reason(dpa.reference, missing)))
    return refusals


def _missing_clauses_reason(reference: str, missing: list[str]) -> str:
    described = required_clauses()
    shown = "; ".join(described[code] for code in missing[:3])
    more = f"; and {len(missing) - 3} more" if len(missing) > 3 else ""
    noun = "clause" if len(missing) == 1 else "clauses"
    return f"DPA {reference} is missing {len(missing)} Art 28(3) {noun}: {shown}{more}"


def _storage_refusals(vendor: VendorFacts, country: str, dpa: DpaFacts, today: date,
                      policy: TransferPolicy) -> list[_Refusal]:
    """The data must be stored where the vendor works, and nowhere the gate cannot vouch for.

    Storage in the vendor's own country rides on the vendor's transfer basis. Any other storage country is
    an onward transfer (Art 44) and is accepted only if it needs no check of its own: EEA, or an adequacy
    decision in force without recipient conditions. A third country (or a scope-limited adequacy country such
    as the US) is refused, because the DPA record holds one TIA date and cannot show that the onward
    recipient or that country was assessed; fail closed.
    """
    stored = list(dict.fromkeys(_normalise(c, policy) for c in dpa.storage_countries))
    refusals: list[_Refusal] = []
    if country not in stored:
        listed = ", ".join(policy.name(c) for c in stored) or "none"
        refusals.append(_Refusal("storage_country_not_covered",
                                 f"DPA {dpa.reference} does not list {policy.name(country)}, where vendor "
                                 f"{vendor.name} works, among its storage countries (listed: {listed})"))
    for other in (c for c in stored if c != country and not _safe_storage(c, today, policy)):
        refusals.append(_Refusal("storage_country_not_covered",
                                 f"DPA {dpa.reference} allows storage in {policy.name(other)}, which is "
                                 "neither in the EEA nor under an adequacy decision without conditions; that "
                                 "onward transfer needs its own safeguards and assessment"))
    return refusals


def _safe_storage(code: str, today: date, policy: TransferPolicy) -> bool:
    status = _status(code, today, policy)
    return status == CountryStatus.EEA or (
        status == CountryStatus.ADEQUACY and policy.adequacy[code].recipient_check is None)


class _Basis(NamedTuple):
    code: str
    reason: str


def _transfer_basis(vendor: VendorFacts, country: str, dpa: DpaFacts, today: date,
                    policy: TransferPolicy) -> tuple[_Basis | None, list[_Refusal]]:
    """Chapter V in its own order: inside the EEA no transfer, then adequacy (Art 45), then Art 46 tools.

    Adequacy is tried whatever the DPA records, since it needs no further authorisation (Art 45(1)); when it
    is missing, lapsed, or does not reach this vendor, the DPA's own mechanism must carry the transfer.
    """
    name = policy.name(country)
    if _status(country, today, policy) == CountryStatus.EEA:
        return _Basis("eea", f"Vendor {vendor.name} is in {name}, inside the EEA: no transfer mechanism is "
                             "needed"), []
    adequacy = policy.adequacy.get(country)
    if adequacy and adequacy.in_force(today) and _recipient_covered(vendor, adequacy):
        return _Basis(f"adequacy:{country}", f"Vendor {vendor.name} is in {name}, whose adequacy decision "
                                             f"({adequacy.decision}) covers it"), []
    return _art46_basis(vendor, country, dpa, today, policy, _adequacy_gap(country, adequacy, today, policy))


def _recipient_covered(vendor: VendorFacts, adequacy: Adequacy) -> bool:
    return adequacy.recipient_check is None or bool(getattr(vendor, adequacy.recipient_check))


def _adequacy_gap(country: str, adequacy: Adequacy | None, today: date, policy: TransferPolicy) -> _Refusal:
    """Why adequacy does not carry this transfer, phrased to follow "…for <country>: "."""
    name = policy.name(country)
    if adequacy is None:
        return _Refusal("no_mechanism", f"{name} has no adequacy decision")
    if not adequacy.in_force(today) and adequacy.expires is not None:
        return _Refusal("no_mechanism", f"the adequacy decision for {name} ({adequacy.decision}) expired on "
                                        f"{adequacy.expires.isoformat()}")
    flag = _RECIPIENT_FLAGS[adequacy.recipient_check or ""]
    return _Refusal("scope_unconfirmed", f"the adequacy decision for {name} covers a vendor only once it is "
                                         f"confirmed that {adequacy.recipient_check_note}, and this vendor "
                                         f"is not marked '{flag}'")


def _required(policy: TransferPolicy) -> str:
    with_tia = " with a transfer impact assessment" if policy.requires_tia else ""
    return f"{policy.scc_label}{with_tia}"


def _art46_basis(vendor: VendorFacts, country: str, dpa: DpaFacts, today: date, policy: TransferPolicy,
                 gap: _Refusal) -> tuple[_Basis | None, list[_Refusal]]:
    """SCCs of the module that fits our role, or our own BCRs, each with a current TIA (Schrems II)."""
    name = policy.name(country)
    if dpa.transfer_mechanism == TransferMechanism.SCC:
        refusals = _scc_refusals(vendor, name, dpa, policy)
        basis = _Basis(f"scc_module_{policy.scc_module}",
                       f"The transfer to {name} rests on {policy.scc_label} in DPA {dpa.reference}")
    elif dpa.transfer_mechanism == TransferMechanism.BCR:
        refusals = _bcr_refusals(vendor, dpa, policy)
        basis = _Basis("bcr", f"The transfer to {name} rests on our binding corporate rules (vendor "
                              f"{vendor.name} belongs to our group)")
    elif dpa.transfer_mechanism in policy.deprecated:
        return None, [_Refusal("deprecated_mechanism", f"DPA {dpa.reference} relies on "
                                                       f"{policy.deprecated[dpa.transfer_mechanism]}; "
                                                       f"{_required(policy)} are required instead")]
    else:
        return None, [_Refusal(gap.code, f"Vendor {vendor.name} has no valid transfer mechanism for {name}: "
                                         f"{gap.reason}, so {_required(policy)} are required")]
    refusals += _tia_refusals(dpa, name, today, policy)
    if refusals:
        return None, refusals
    if not policy.requires_tia or dpa.tia_completed_on is None:
        return basis, []
    due = tia_due(dpa.tia_completed_on, policy).isoformat()
    return _Basis(f"{basis.code}+tia", f"{basis.reason}, with a transfer impact assessment of "
                                       f"{dpa.tia_completed_on.isoformat()} (re-evaluation due by {due})"), []


def _scc_refusals(vendor: VendorFacts, name: str, dpa: DpaFacts, policy: TransferPolicy) -> list[_Refusal]:
    if dpa.scc_module == policy.scc_module:
        return []
    recorded = (f"module {dpa.scc_module} ({policy.scc_modules.get(dpa.scc_module, 'not a 2021 module')})"
                if dpa.scc_module is not None else "no module")
    wanted = f"module {policy.scc_module} ({policy.scc_modules[policy.scc_module]})"
    return [_Refusal("wrong_scc_module", f"DPA {dpa.reference} records 2021 SCCs with {recorded}, but the "
                                         f"transfer to vendor {vendor.name} in {name} needs {wanted}")]


def _bcr_refusals(vendor: VendorFacts, dpa: DpaFacts, policy: TransferPolicy) -> list[_Refusal]:
    """BCRs bind one group only (Art 47); with no controller_group configured they never apply."""
    group = policy.controller_group.strip().casefold()
    if group and vendor.corporate_group.strip().casefold() == group:
        return []
    return [_Refusal("bcr_outside_group", f"DPA {dpa.reference} relies on binding corporate rules, which "
                     f"cover only transfers within our own corporate group, and vendor {vendor.name} is not "
                     f"part of it; {_required(policy)} are required instead")]


def _tia_refusals(dpa: DpaFacts, name: str, today: date, policy: TransferPolicy) -> list[_Refusal]:
    """Schrems II: an Art 46 tool carries a transfer only with a recorded, current impact assessment."""
    done = dpa.tia_completed_on
    if not policy.requires_tia:
        return []
    if done is None:
        return [_Refusal("tia_missing", f"No transfer impact assessment for {name} is recorded on DPA "
                         f"{dpa.reference}; the transfer needs one before any personal data go")]
    if done > today:
        return [_Refusal("tia_missing", f"The transfer impact assessment on DPA {dpa.reference} is dated "
                         f"{done.isoformat()}, in the future; record the date it was completed")]
    due = tia_due(done, policy)
    if today > due:
        return [_Refusal("tia_outdated", f"The transfer impact assessment for {name} on DPA {dpa.reference} "
                         f"(completed {done.isoformat()}) was due for re-evaluation by {due.isoformat()}; "
                         f"it must be repeated every {policy.tia_months} months")]
    return []


def tia_due(completed_on: date, policy: TransferPolicy | None = None) -> date:
    """Last day a TIA stays current: the same date ``tia_months`` later (month end if no such date)."""
    months = (policy or transfer_policy()).tia_months
    index = completed_on.month - 1 + months
    year, month = completed_on.year + index // 12, index % 12 + 1
    return date(year, month, min(completed_on.day, calendar.monthrange(year, month)[1]))
