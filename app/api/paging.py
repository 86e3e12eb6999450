"""Keyset pages for the API lists: newest first by (time, id); `next` is an opaque cursor, never a COUNT."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import Select, tuple_

from app.domain.errors import ValidationFailed
from app.domain.i18n import N_
from app.domain.input_limits import INT32_MAX

BAD_CURSOR = N_("cursor must be the value of `next` from the previous page.")


def bad_cursor() -> NoReturn:
    """400 naming `cursor`: a cursor is opaque, so its validity is a rule of the server, not of the schema."""
    raise ValidationFailed(BAD_CURSOR, fields={"cursor": BAD_CURSOR})
_OFFSET_DIGITS = frozenset("0123456789")


def decode_offset(cursor: str | None) -> int:
    """The row offset an offset-paged `next` holds (ASCII digits only: `int('²')` is no offset); else 400."""
    if cursor is None:
        return 0
    if not cursor or not set(cursor) <= _OFFSET_DIGITS or len(cursor) > 10 or int(cursor) > INT32_MAX:
        bad_cursor()
    return int(cursor)


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (time, id) a `next` cursor holds; anything else answers 400."""
    try:
        at, last_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        at = datetime.fromisoformat(at)
        if at.tzinfo is None or not isinstance(last_id, int) or isinstance(last_id, bool) \
                or not 0 <= last_id <= INT32_MAX:
            raise ValueError(cursor)
        return at, last_id
    except (ValueError, TypeError, UnicodeError, RecursionError):
        bad_cursor()


def newest_first(session, query: Select, at_column: Any, id_column: Any, *, limit: int,
                 cursor: str | None) -> tuple[list, str | None]:
    """One page of `query` newest first after `cursor`, and the cursor of the next page (None at the end)."""
    if cursor:
        query = query.where(tuple_(at_column, id_column) < tuple_(*decode_cursor(cursor)))
    rows = list(session.scalars(query.order_by(at_column.desc(), id_column.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    if not more:
        return rows, None
    last = rows[-1]
    key = [getattr(last, at_column.key).isoformat(), getattr(last, id_column.key)]
    return rows, base64.urlsafe_b64encode(json.dumps(key).encode()).decode()
