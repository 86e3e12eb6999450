"""Limits every incoming value must respect before it reaches the database (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable

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
