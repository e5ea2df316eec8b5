"""The international-transfer gate (DESIGN rule 2): pure decision tables, then the database wrapper."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from config import load_policy
from governance.db import db
from governance.dpas import required_clauses
from governance.models import Dataset, Dpa, TransferMechanism, Vendor
from governance.transfers import (
    CountryStatus,
    DatasetFacts,
    DpaFacts,
    TransferDecision,
    VendorFacts,
    country_status,
    decide,
    may_process,
    normalise_country,
    tia_due,
    transfer_policy,
    valid_country,
)
from tests.conftest import utc

TODAY = date(2026, 12, 3)
ALL_CLAUSES = tuple(required_clauses())
PERSONAL = DatasetFacts("Support chats 2026")


def vendor(country: str = "VN", **fields: Any) -> VendorFacts:
    return VendorFacts(name="Acme Annotation", country=country, **fields)


def dpa(storage: tuple[str, ...] = ("VN",), **fields: Any) -> DpaFacts:
    """A signed, complete DPA with 2021 SCCs module 2 and a recent TIA, unless told otherwise."""
    base: dict[str, Any] = {
        "reference": "DPA-VN-001", "signed_on": date(2026, 1, 15), "expires_on": date(2027, 6, 30),
        "storage_countries": storage, "transfer_mechanism": "scc", "scc_module": 2,
        "tia_completed_on": date(2026, 2, 1), "art28_clauses": ALL_CLAUSES,
    }
    return DpaFacts(**(base | fields))


def no_mechanism(storage: tuple[str, ...], **fields: Any) -> DpaFacts:
    return dpa(storage, transfer_mechanism="none", scc_module=None, tia_completed_on=None, **fields)


def adequacy(storage: tuple[str, ...], **fields: Any) -> DpaFacts:
    return dpa(storage, transfer_mechanism="adequacy", scc_module=None, tia_completed_on=None, **fields)


# --- allowed ------------------------------------------------------------------------------------------

ALLOWED = [
    pytest.param(vendor("PL"), no_mechanism(("PL",)), TODAY, "eea", id="eu-poland-no-mechanism"),
    pytest.param(vendor("EL"), no_mechanism(("GR",)), TODAY, "eea", id="eu-greece-as-EL"),
    pytest.param(vendor("GR"), no_mechanism(("EL",)), TODAY, "eea", id="eu-greece-storage-as-EL"),
    pytest.param(vendor("NO"), no_mechanism(("NO", "DE")), TODAY, "eea", id="eea-norway"),
    pytest.param(vendor("GB"), adequacy(("GB",)), TODAY, "adequacy:GB", id="uk-adequacy"),
    pytest.param(vendor("GB"), no_mechanism(("GB",)), TODAY, "adequacy:GB",
                 id="uk-adequacy-needs-no-dpa-entry"),
    pytest.param(vendor("GB"), adequacy(("GB",), expires_on=None), date(2031, 12, 27), "adequacy:GB",
                 id="uk-last-day-of-adequacy"),
    pytest.param(vendor("GB"), dpa(("GB",), expires_on=None, tia_completed_on=date(2031, 12, 1)),
                 date(2032, 1, 5), "scc_module_2+tia", id="uk-after-adequacy-on-scc"),
    pytest.param(vendor("US", dpf_certified=True), adequacy(("US",)), TODAY, "adequacy:US", id="us-dpf"),
    pytest.param(vendor("US"), dpa(("US",)), TODAY, "scc_module_2+tia", id="us-no-dpf-on-scc"),
    pytest.param(vendor("CA", adequacy_scope_confirmed=True), adequacy(("CA",)), TODAY, "adequacy:CA",
                 id="canada-pipeda-confirmed"),
    pytest.param(vendor("JP", adequacy_scope_confirmed=True), adequacy(("JP",)), TODAY, "adequacy:JP",
                 id="japan-appi-confirmed"),
    pytest.param(vendor("CH"), adequacy(("CH",)), TODAY, "adequacy:CH", id="switzerland-no-scope-limit"),
    pytest.param(vendor("VN"), dpa(("VN",)), TODAY, "scc_module_2+tia", id="vietnam-scc2-tia"),
    pytest.param(vendor("IN"), dpa(("IN",)), TODAY, "scc_module_2+tia", id="india-scc2-tia"),
    pytest.param(vendor("vn"), dpa(("VN", "DE", "GB")), TODAY, "scc_module_2+tia",
                 id="vietnam-with-eea-and-uk-backup-storage"),
    pytest.param(vendor("VN"), dpa(("VN",)), date(2027, 2, 1), "scc_module_2+tia", id="tia-last-day-current"),
]


@pytest.mark.parametrize(("who", "contract", "today", "basis"), ALLOWED)
def test_when_lawful_path_exists_then_allowed(who: VendorFacts, contract: DpaFacts, today: date,
                                              basis: str) -> None:
    decision = decide(who, contract, PERSONAL, today)
    assert decision == TransferDecision(True, decision.reasons, "ok", basis)
    assert decision.reasons
    assert all(isinstance(r, str) and r for r in decision.reasons)


def test_when_allowed_then_reasons_name_the_basis_and_the_dpa() -> None:
    decision = decide(vendor("VN"), dpa(("VN",)), PERSONAL, TODAY)
    assert decision.reasons == [
        "The transfer to Vietnam rests on 2021 SCCs (module 2) in DPA DPA-VN-001, with a transfer impact "
        "assessment of 2026-02-01 (re-evaluation due by 2027-02-01)",
        "DPA DPA-VN-001 is signed, complete and in force until 2027-06-30",
    ]


# --- refused ------------------------------------------------------------------------------------------

REFUSED = [
    pytest.param(vendor("GB"), adequacy(("GB",), expires_on=None), date(2031, 12, 28), "no_mechanism",
                 "the adequacy decision for the United Kingdom", id="uk-after-adequacy-expiry"),
    pytest.param(vendor("GB"), adequacy(("GB",), expires_on=None), date(2032, 6, 1), "no_mechanism",
                 "expired on 2031-12-27", id="uk-adequacy-expiry-date-named"),
    pytest.param(vendor("US"), adequacy(("US",)), TODAY, "scope_unconfirmed", "Data Privacy Framework",
                 id="us-without-dpf"),
    pytest.param(vendor("US"), no_mechanism(("US",)), TODAY, "scope_unconfirmed",
                 "2021 SCCs (module 2) with a transfer impact assessment are required", id="us-needs-scc"),
    pytest.param(vendor("US", adequacy_scope_confirmed=True), adequacy(("US",)), TODAY, "scope_unconfirmed",
                 "DPF certified", id="us-scope-flag-is-not-dpf"),
    pytest.param(vendor("US"), dpa(("US",), tia_completed_on=None), TODAY, "tia_missing",
                 "transfer impact assessment", id="us-scc-without-tia"),
    pytest.param(vendor("CA"), adequacy(("CA",)), TODAY, "scope_unconfirmed", "PIPEDA",
                 id="canada-unconfirmed"),
    pytest.param(vendor("CA", dpf_certified=True), adequacy(("CA",)), TODAY, "scope_unconfirmed", "PIPEDA",
                 id="canada-dpf-is-not-pipeda"),
    pytest.param(vendor("KR"), adequacy(("KR",)), TODAY, "scope_unconfirmed", "PIPA", id="korea-unconfirmed"),
    pytest.param(vendor("VN"), dpa(("VN",), tia_completed_on=None), TODAY, "tia_missing",
                 "No transfer impact assessment for Vietnam", id="vietnam-scc-without-tia"),
    pytest.param(vendor("VN"), dpa(("VN",), tia_completed_on=TODAY + timedelta(days=1)), TODAY, "tia_missing",
                 "in the future", id="vietnam-tia-dated-tomorrow"),
    pytest.param(vendor("VN"), dpa(("VN",), tia_completed_on=date(2025, 12, 2)), TODAY, "tia_outdated",
                 "due for re-evaluation by 2026-12-02", id="vietnam-tia-older-than-a-year"),
    pytest.param(vendor("VN"), dpa(("VN",), scc_module=1), TODAY, "wrong_scc_module",
                 "module 1 (controller to controller)", id="vietnam-scc-module-1"),
    pytest.param(vendor("VN"), dpa(("VN",), scc_module=3), TODAY, "wrong_scc_module",
                 "needs module 2 (controller to processor)", id="vietnam-scc-module-3-we-are-controller"),
    pytest.param(vendor("VN"), dpa(("VN",), scc_module=None), TODAY, "wrong_scc_module", "no module",
                 id="vietnam-scc-module-unrecorded"),
    pytest.param(vendor("VN"), no_mechanism(("VN",)), TODAY, "no_mechanism",
                 "Vendor Acme Annotation has no valid transfer mechanism for Vietnam", id="vietnam-none"),
    pytest.param(vendor("IN"), no_mechanism(("IN",)), TODAY, "no_mechanism", "India has no adequacy decision",
                 id="india-none"),
    pytest.param(vendor("VN"), adequacy(("VN",)), TODAY, "no_mechanism", "Vietnam has no adequacy decision",
                 id="vietnam-claims-adequacy"),
    pytest.param(vendor("VN", corporate_group="Acme Holdings"), dpa(("VN",), transfer_mechanism="bcr"), TODAY,
                 "bcr_outside_group", "binding corporate rules", id="bcr-with-no-controller-group"),
    pytest.param(vendor("VN"), dpa(("VN",), transfer_mechanism="scc_2010_87"), TODAY, "deprecated_mechanism",
                 "2010 SCCs", id="repealed-2010-sccs"),
    pytest.param(vendor("US"), dpa(("US",), transfer_mechanism="privacy_shield"), TODAY,
                 "deprecated_mechanism", "Privacy Shield", id="privacy-shield"),
    pytest.param(vendor("IN"), dpa(("IN",), reference="DPA-IN-003", expires_on=date(2026, 11, 30)), TODAY,
                 "dpa_expired", "DPA DPA-IN-003 expired on 2026-11-30", id="expired-dpa"),
    pytest.param(vendor("PL"), no_mechanism(("PL",), expires_on=date(2026, 12, 2)), TODAY, "dpa_expired",
                 "expired on 2026-12-02", id="expired-dpa-even-inside-eea"),
    pytest.param(vendor("VN"), dpa(("VN",), signed_on=None), TODAY, "dpa_not_signed", "not signed",
                 id="draft-dpa"),
    pytest.param(vendor("VN"), dpa(("VN",), signed_on=TODAY + timedelta(days=3)), TODAY, "dpa_not_signed",
                 "in the future", id="dpa-signed-in-future"),
    pytest.param(vendor("VN"), dpa(("VN",), art28_clauses=ALL_CLAUSES[3:]), TODAY, "incomplete_dpa",
                 "missing 3 Art 28(3) clauses", id="dpa-missing-three-clauses"),
    pytest.param(vendor("PL"), no_mechanism(("PL",), art28_clauses=ALL_CLAUSES[:-1]), TODAY, "incomplete_dpa",
                 "missing 1 Art 28(3) clause:", id="eea-dpa-missing-one-clause"),
    pytest.param(vendor("VN"), dpa(("DE",)), TODAY, "storage_country_not_covered",
                 "does not list Vietnam, where vendor Acme Annotation works",
                 id="storage-without-vendor-country"),
    pytest.param(vendor("VN"), dpa(()), TODAY, "storage_country_not_covered", "(listed: none)",
                 id="no-storage-countries"),
    pytest.param(vendor("VN"), dpa(("VN", "SG")), TODAY, "storage_country_not_covered",
                 "storage in Singapore", id="onward-storage-in-third-country"),
    pytest.param(vendor("VN"), dpa(("VN", "US")), TODAY, "storage_country_not_covered",
                 "storage in the United States", id="onward-storage-in-scope-limited-adequacy"),
    pytest.param(vendor("PL"), no_mechanism(("PL", "RE")), TODAY, "storage_country_not_covered", "Réunion",
                 id="unconfirmed-eu-territory-is-not-eea"),
    pytest.param(vendor("VN"), None, TODAY, "no_dpa", "no data processing agreement", id="no-dpa"),
    pytest.param(vendor("XX"), dpa(("XX",)), TODAY, "unknown_country", "unknown country code 'XX'",
                 id="unknown-country"),
]


@pytest.mark.parametrize(("who", "contract", "today", "code", "reason"), REFUSED)
def test_when_no_lawful_path_then_refused_with_reason(who: VendorFacts, contract: DpaFacts | None,
                                                      today: date, code: str, reason: str) -> None:
    decision = decide(who, contract, PERSONAL, today)
    assert (decision.allowed, decision.code, decision.basis) == (False, code, None)
    assert any(reason in r for r in decision.reasons), decision.reasons


def test_when_vietnam_has_no_mechanism_then_reason_says_what_is_required() -> None:
    decision = decide(vendor("VN"), no_mechanism(("VN",)), PERSONAL, TODAY)
    assert decision.reasons == [
        "Vendor Acme Annotation has no valid transfer mechanism for Vietnam: Vietnam has no adequacy "
        "decision, so 2021 SCCs (module 2) with a transfer impact assessment are required"]


def test_when_several_things_are_wrong_then_every_reason_is_given_and_code_is_the_first() -> None:
    contract = no_mechanism(("SG",), signed_on=None, art28_clauses=ALL_CLAUSES[:-2])
    decision = decide(vendor("VN"), contract, PERSONAL, TODAY)
    assert decision.code == "dpa_not_signed"
    assert len(decision.reasons) == 5  # unsigned, 2 clauses, VN not stored, SG storage, no mechanism
    assert decision.message.count(". ") == 4


# --- BCRs only inside our own group -------------------------------------------------------------------


@pytest.fixture
def group_policy() -> Any:
    return dataclasses.replace(transfer_policy(), controller_group="Northwind Group")


@pytest.mark.parametrize(("group", "tia", "allowed", "code"), [
    ("Northwind Group", date(2026, 2, 1), True, "ok"),
    ("northwind group ", date(2026, 2, 1), True, "ok"),
    ("Acme Holdings", date(2026, 2, 1), False, "bcr_outside_group"),
    ("", date(2026, 2, 1), False, "bcr_outside_group"),
    ("Northwind Group", None, False, "tia_missing"),
])
def test_when_bcr_then_only_our_group_with_a_tia(group_policy: Any, group: str, tia: date | None,
                                                 allowed: bool, code: str) -> None:
    contract = dpa(("IN",), transfer_mechanism="bcr", scc_module=None, tia_completed_on=tia)
    decision = decide(vendor("IN", corporate_group=group), contract, PERSONAL, TODAY, policy=group_policy)
    assert (decision.allowed, decision.code) == (allowed, code)
    assert decision.basis == ("bcr+tia" if allowed else None)


# --- datasets -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "contract"), [
    (vendor("VN"), None),
    (vendor("XX"), None),
    (vendor("US"), adequacy(("US",), expires_on=date(2020, 1, 1))),
    (vendor("VN"), no_mechanism(("SG",), signed_on=None)),
])
def test_when_dataset_has_no_personal_data_then_anyone_may_process_it(who: VendorFacts,
                                                                       contract: DpaFacts | None) -> None:
    decision = decide(who, contract, DatasetFacts("Public-domain poems", contains_personal_data=False), TODAY)
    assert (decision.allowed, decision.code, decision.basis) == (True, "no_personal_data", "no_personal_data")


@pytest.mark.parametrize(("who", "contract"), [
    (vendor("VN"), dpa(("VN",))),
    (vendor("VN"), dpa(("VN",), tia_completed_on=None)),
    (vendor("US"), adequacy(("US",))),
])
def test_when_special_category_then_same_gate_as_other_personal_data(who: VendorFacts,
                                                                     contract: DpaFacts) -> None:
    # The reference adds no transfer condition for Art 9 data; Art 9(2) is the dataset's lawful basis.
    special = DatasetFacts("Health forum posts", special_category=True)
    assert decide(who, contract, special, TODAY) == decide(who, contract, PERSONAL, TODAY)


# --- countries ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "today", "status"), [
    ("PL", TODAY, "eea"), ("EL", TODAY, "eea"), ("el", TODAY, "eea"), ("GR", TODAY, "eea"),
    ("IS", TODAY, "eea"), ("LI", TODAY, "eea"), ("NO", TODAY, "eea"),
    ("GB", TODAY, "adequacy"), ("GB", date(2031, 12, 27), "adequacy"), ("GB", date(2031, 12, 28), "third"),
    ("US", TODAY, "adequacy"), ("CH", TODAY, "adequacy"), ("BR", TODAY, "adequacy"),
    ("VN", TODAY, "third"), ("IN", TODAY, "third"), ("GL", TODAY, "third"), ("RE", TODAY, "third"),
    ("XX", TODAY, "third"), ("UK", TODAY, "third"),
])
def test_country_status(code: str, today: date, status: str) -> None:
    assert country_status(code, today) == status
    assert isinstance(country_status(code, today), CountryStatus)


@pytest.mark.parametrize(("code", "valid"), [
    ("PL", True), ("EL", True), ("gb", True), (" VN ", True), ("IN", True), ("AQ", True), ("ZW", True),
    ("XX", False), ("UK", False), ("", False), ("GBR", False), ("E", False), ("1A", False),
])
def test_valid_country(code: str, valid: bool) -> None:
    assert valid_country(code) is valid


def test_greek_alias_is_stored_as_gr() -> None:
    assert (normalise_country("el"), normalise_country("GR")) == ("GR", "GR")


@pytest.mark.parametrize(("done", "due"), [
    (date(2026, 2, 1), date(2027, 2, 1)),
    (date(2024, 2, 29), date(2025, 2, 28)),
    (date(2026, 12, 31), date(2027, 12, 31)),
])
def test_tia_stays_current_for_the_configured_months(done: date, due: date) -> None:
    assert tia_due(done) == due


def test_config_matches_the_reference() -> None:
    """Spot checks of config/transfers.toml against the reference's §1, §2 and §9 tables."""
    raw = load_policy("transfers")
    assert len(raw["countries"]) == 249
    assert len(raw["eea"]["countries"]) == 30
    assert set(raw["eea"]["countries"]) | set(raw["adequacy"]) <= set(raw["countries"])
    checked = {code for code, spec in raw["adequacy"].items() if spec["requires_recipient_check"]}
    assert checked == {"CA", "FO", "IL", "JP", "KR", "US", "BR", "UY"}
    assert raw["adequacy"]["US"]["recipient_check"] == "dpf_certified"
    assert {raw["adequacy"][c]["recipient_check"] for c in checked - {"US"}} == {"adequacy_scope_confirmed"}
    assert raw["adequacy"]["GB"]["expires"] == date(2031, 12, 27)
    assert raw["controller_group"] == ""
    assert transfer_policy().scc_module == 2


# --- the database wrapper -----------------------------------------------------------------------------


def _dataset(name: str = "Support chats", **fields: Any) -> Dataset:
    dataset = Dataset(name=name, purpose="rlhf", lawful_basis="legitimate_interests", retention_days=90,
                      expires_at=utc(2027, 3, 1), **fields)
    db.session.add(dataset)
    db.session.commit()
    return dataset


def _vendor_row(make_vendor: Callable[..., Vendor], country: str, **flags: Any) -> Vendor:
    # make_vendor pins dpf_certified and corporate_group, so those flags are set on the saved row.
    owner = make_vendor(country=country)
    for flag, value in flags.items():
        setattr(owner, flag, value)
    db.session.commit()
    return owner


def _add_dpa(owner: Vendor, **fields: Any) -> Dpa:
    values: dict[str, Any] = {
        "reference": f"DPA-{owner.country}-001", "signed_on": date(2026, 1, 15),
        "expires_on": date(2027, 6, 30), "storage_countries": [owner.country],
        "transfer_mechanism": TransferMechanism.SCC, "scc_module": 2, "tia_completed_on": date(2026, 2, 1),
        "art28_clauses": list(ALL_CLAUSES),
    }
    row = Dpa(vendor_id=owner.id, **(values | fields))
    db.session.add(row)
    db.session.commit()
    return row


@pytest.mark.parametrize(("country", "vendor_fields", "dpa_fields", "code"), [
    ("VN", {}, {}, "ok"),
    ("IN", {}, {"expires_on": date(2026, 11, 30)}, "dpa_expired"),
    ("VN", {}, {"tia_completed_on": None}, "tia_missing"),
    ("US", {}, {"transfer_mechanism": TransferMechanism.ADEQUACY}, "scope_unconfirmed"),
    ("US", {"dpf_certified": True}, {"transfer_mechanism": TransferMechanism.ADEQUACY}, "ok"),
    ("CA", {"adequacy_scope_confirmed": True}, {"transfer_mechanism": TransferMechanism.ADEQUACY}, "ok"),
    ("PL", {}, {"transfer_mechanism": TransferMechanism.NONE, "signed_on": None}, "dpa_not_signed"),
])
def test_when_rows_in_database_then_wrapper_gives_the_pure_answer(
        make_vendor: Callable[..., Vendor], country: str, vendor_fields: dict[str, Any],
        dpa_fields: dict[str, Any], code: str) -> None:
    owner = _vendor_row(make_vendor, country, **vendor_fields)
    row = _add_dpa(owner, **dpa_fields)
    dataset = _dataset()
    decision = may_process(db.session, dataset, owner, TODAY)
    assert decision.code == code
    assert decision == decide(VendorFacts.of(owner), DpaFacts.of(row), DatasetFacts.of(dataset), TODAY)


def test_when_vendor_has_no_dpa_row_then_refused(make_vendor: Callable[..., Vendor]) -> None:
    decision = may_process(db.session, _dataset(), make_vendor(country="VN"), TODAY)
    assert (decision.allowed, decision.code) == (False, "no_dpa")


def test_when_old_dpa_expired_but_renewed_then_renewal_governs(make_vendor: Callable[..., Vendor]) -> None:
    owner = make_vendor(country="VN")
    _add_dpa(owner, reference="DPA-VN-2025", signed_on=date(2025, 1, 1), expires_on=date(2025, 12, 31))
    _add_dpa(owner, reference="DPA-VN-2026")
    decision = may_process(db.session, _dataset(), owner, TODAY)
    assert decision.allowed
    assert "DPA-VN-2026" in decision.message


def test_when_dpa_expires_then_next_day_processing_stops(make_vendor: Callable[..., Vendor]) -> None:
    owner = make_vendor(country="IN")
    _add_dpa(owner, reference="DPA-IN-003", expires_on=TODAY)
    dataset = _dataset()
    on_the_day = may_process(db.session, dataset, owner, TODAY)
    day_after = may_process(db.session, dataset, owner, TODAY + timedelta(days=1))
    assert (on_the_day.allowed, on_the_day.code) == (True, "ok")
    assert (day_after.allowed, day_after.code) == (False, "dpa_expired")
    assert day_after.reasons == [f"DPA DPA-IN-003 expired on {TODAY.isoformat()}"]


def test_when_dataset_row_has_no_personal_data_then_allowed_without_dpa(
        make_vendor: Callable[..., Vendor]) -> None:
    dataset = _dataset(contains_personal_data=False)
    decision = may_process(db.session, dataset, make_vendor(country="VN"), TODAY)
    assert (decision.allowed, decision.code) == (True, "no_personal_data")
