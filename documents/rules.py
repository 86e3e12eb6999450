"""Pure rules of documents (standard library only)."""

from __future__ import annotations


def document_number(prefix: str, id_: int | None) -> str:
    """The number staff read and say: the kind's prefix and six digits, «ЗН-000042»; empty before it is saved."""
    return f"{prefix}-{id_:06d}" if id_ else ""
