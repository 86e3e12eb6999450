"""Manual ordering of catalog rows (move up / move down) without typing numbers."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


def reorder(ids_in_order: Sequence[int], moved_id: int, direction: Direction) -> dict[int, int]:
    """Return new sort orders (10, 20, …) for the list after moving one row one step.

    Renumbering the whole list also repairs duplicate or missing sort orders.
    """
    order = list(ids_in_order)
    index = order.index(moved_id)
    target = index - 1 if direction is Direction.UP else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    return {row_id: (position + 1) * 10 for position, row_id in enumerate(order)}
