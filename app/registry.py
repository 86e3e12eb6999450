"""The one rule of every start-up registry (timer kinds, reconciler passes, timeline sources)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")


def add_once(table: dict[str, T], entries: Mapping[str, T], *, what: str) -> None:
    """Add `entries` in their order; a name belongs to one plug-in only (the same one again is harmless)."""
    for name, entry in entries.items():
        if table.setdefault(name, entry) is not entry:
            raise ValueError(f"{what} {name!r} is registered twice")
