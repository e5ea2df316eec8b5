"""Finding a data subject's items from identifiers an officer types, through the subject tokens."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.keyring import purpose_key
from pii.models import SubjectToken
from pii.tokens import tokens_for_identifiers


def token_key(session: Session, master_key: bytes) -> bytes:
    """The HMAC key of subject tokens (a sub-key of the root secret, so it survives key rotation)."""
    return purpose_key(session, master_key, "subject-tokens")


def identifier_tokens(session: Session, master_key: bytes, email: str | None = None, phone: str | None = None,
                      name: str | None = None) -> set[str]:
    """Normalise and HMAC typed identifiers exactly as import does for detected ones."""
    return tokens_for_identifiers(email, phone, name, key=token_key(session, master_key))


def items_matching(session: Session, tokens: set[str]) -> dict[int, set[int]]:
    """Dataset id → ids of the items that mention any of ``tokens`` (an indexed lookup)."""
    if not tokens:
        return {}
    rows = session.execute(select(SubjectToken.dataset_id, SubjectToken.item_id)
                           .where(SubjectToken.token.in_(sorted(tokens))).distinct()).all()
    found: dict[int, set[int]] = {}
    for dataset_id, item_id in rows:
        found.setdefault(dataset_id, set()).add(item_id)
    return found


def match_counts(session: Session, tokens: set[str]) -> dict[int, int]:
    """Dataset id → number of matching items (the preview an officer sees before erasing)."""
    if not tokens:
        return {}
    rows = session.execute(select(SubjectToken.dataset_id, func.count(func.distinct(SubjectToken.item_id)))
                           .where(SubjectToken.token.in_(sorted(tokens))).group_by(SubjectToken.dataset_id)).all()
    return dict(rows)
