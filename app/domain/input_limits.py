"""Limits every incoming value must respect before it reaches the database (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from app.domain.i18n import N_

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1

_INTEGER = re.compile(r"[+-]?[0-9]+")


def is_id_field(name: str) -> bool:
    """`id`, `client_id`, `ids`, `reason_ids`… name a row; their values must fit an INTEGER column."""
    lowered = name.lower()
    return lowered in {"id", "ids"} or lowered.endswith(("_id", "_ids"))


def value_problem(name: str, value: str) -> str | None:
    """The msgid of what is wrong with one submitted value, or None."""
    if "\x00" in name or "\x00" in value:
        return N_("contains a character that is not allowed (NUL)")
    stripped = value.strip()
    if is_id_field(name) and _INTEGER.fullmatch(stripped) and not INT32_MIN <= int(stripped) <= INT32_MAX:
        return N_("is out of range")
    return None


def first_problem(items: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """The first (field, msgid) problem among submitted (name, value) pairs."""
    for name, value in items:
        problem = value_problem(name, value)
        if problem:
            return name.replace("\x00", ""), problem
    return None


MAX_JSON_DEPTH = 32


def json_problem(data: object, *, max_depth: int = MAX_JSON_DEPTH) -> tuple[str, str] | None:
    """The first (field path, msgid) problem of a decoded JSON body, or None: nesting deeper than
    `max_depth`, a NUL in a key or a string, a row id (by its key's name) past the INTEGER range.
    Walks without recursion, so no body can exhaust the stack."""
    stack: list[tuple[str, str, object, int]] = [("", "", data, 0)]
    while stack:
        path, name, value, depth = stack.pop()
        if depth > max_depth:
            return path or "_body", N_("is nested too deeply")
        if isinstance(value, dict):
            for key, item in value.items():
                key = str(key)
                child = f"{path}.{key}" if path else key
                if "\x00" in key:
                    return child.replace("\x00", ""), N_("contains a character that is not allowed (NUL)")
                stack.append((child, key, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}" if path else str(index), name, item, depth + 1)
                         for index, item in enumerate(value))
        elif isinstance(value, str):
            problem = value_problem(name, value)
            if problem:
                return path, problem
        elif isinstance(value, int) and not isinstance(value, bool) and is_id_field(name) \
                and not INT32_MIN <= value <= INT32_MAX:
            return path, N_("is out of range")
    return None


def stored_amount(value: object, *, limit: Decimal = Decimal("1e10")) -> Decimal | None:
    """A stored money value as a usable Decimal, or None when it is not one (NaN, ±Infinity, beyond the
    column's range: written by an old form or by hand). Reading code skips such values instead of
    failing on them, so stored data can never break a page."""
    if value is None:
        return Decimal("0")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        return None
    if not amount.is_finite() or abs(amount) >= limit:
        return None
    return amount
