"""Column types shared by models outside the base module."""

from __future__ import annotations

from sqlalchemy import String, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session


def search_key(length: int = 200):
    """A normalised search key. On PostgreSQL it compares byte-wise (COLLATE "C"), so a prefix range
    `key >= 'ab' AND key < 'ab\U0010ffff'` is exact and served by the B-tree whatever the database locale.

    A key is derived from what was typed, and can be longer than it (NFKC turns `⑳` into `20` and `ﷺ`
    into 18 letters; a 40-character phone field can hold 40 digits): it is cut to the column's length
    when saved (see `_fit_search_keys`), so a long but valid value is never refused by the database."""
    column_type = String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")
    column_type.search_key = True
    return column_type


@event.listens_for(Session, "before_flush")
def _fit_search_keys(session, flush_context, instances) -> None:
    """Search keys of new and changed rows, cut to their column's length (a key's prefix still finds the row)."""
    for obj in (*session.new, *session.dirty):
        mapper = sa_inspect(obj).mapper
        for attr in mapper.column_attrs:
            column = attr.columns[0]
            if not getattr(column.type, "search_key", False):
                continue
            value = getattr(obj, attr.key, None)
            if isinstance(value, str) and len(value) > column.type.length:
                setattr(obj, attr.key, value[:column.type.length])
