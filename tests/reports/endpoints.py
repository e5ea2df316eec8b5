"""The reports package's endpoints for the deny-by-default matrix (tests/test_permissions.py).

Cost and welfare: vendor managers (scoped to their vendors), compliance and admin. The audit report
and verify-a-report: compliance and admin only. Annotators get none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from governance.models import Role

A, C, V = Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.VENDOR_MANAGER
MANAGERS_AND_STAFF = frozenset({A, C, V})
STAFF = frozenset({A, C})

EXPECTED = {
    "reports.index": MANAGERS_AND_STAFF,
    "reports.cost": MANAGERS_AND_STAFF,
    "reports.cost_csv": MANAGERS_AND_STAFF,
    "reports.cost_pdf": MANAGERS_AND_STAFF,
    "reports.welfare": MANAGERS_AND_STAFF,
    "reports.welfare_csv": MANAGERS_AND_STAFF,
    "reports.welfare_pdf": MANAGERS_AND_STAFF,
    "reports.audit": STAFF,
    "reports.audit_csv": STAFF,
    "reports.audit_pdf": STAFF,
    "reports.verify": STAFF,
}

PATHS: dict[str, Callable[[dict[str, Any]], str]] = {
    "reports.cost": lambda w: f"/reports/cost?vendor={w['vendor'].id}",
    "reports.cost_csv": lambda w: f"/reports/cost.csv?vendor={w['vendor'].id}",
    "reports.welfare": lambda w: f"/reports/welfare?dataset={w['dataset'].id}",
}
