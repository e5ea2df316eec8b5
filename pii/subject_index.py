"""The subject index the erasure service uses, backed by :mod:`pii.subjects`.

Governance may not import ``pii``; it receives this object through
``governance.deletion.register_subject_index`` instead.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from pii import subjects


class PiiSubjectIndex:
    """Typed identifiers → HMAC tokens → matching items, exactly as import tokenises detected values."""

    def tokens_for(self, session: Session, master_key: bytes, email: str | None = None, phone: str | None = None,
                   name: str | None = None) -> set[str]:
        """Tokens of what an officer typed (empty when a value identifies nobody, e.g. a single name)."""
        return subjects.identifier_tokens(session, master_key, email=email, phone=phone, name=name)

    def match_counts(self, session: Session, tokens: set[str]) -> dict[int, int]:
        """Dataset id → number of matching items, counted in SQL."""
        return subjects.match_counts(session, tokens)

    def items_matching(self, session: Session, tokens: set[str]) -> dict[int, set[int]]:
        """Dataset id → ids of the matching items."""
        return subjects.items_matching(session, tokens)
