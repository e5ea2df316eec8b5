"""The record of processing endpoints for the deny-by-default matrix."""

from governance.models import Role

EXPECTED = {
    "ropa.page": frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER}),
    "ropa.csv_export": frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER}),
}
