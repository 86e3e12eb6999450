"""Column types shared by models outside the base module."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.dialects import postgresql


def search_key(length: int = 200):
    """A normalised search key. On PostgreSQL it compares byte-wise (COLLATE "C"), so a prefix range
    `key >= 'ab' AND key < 'ab\U0010ffff'` is exact and served by the B-tree whatever the database locale."""
    return String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")
