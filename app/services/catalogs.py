"""Catalog use cases: ordering, visibility, guarded deletion, pick-list reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.domain.errors import InUse, NotFound, Protected
from app.domain.i18n import N_
from app.domain.ordering import Direction, reorder


def list_order(model: Any) -> tuple[Any, ...]:
    return (model.sort_order, model.name, model.id)


def visible_rows(session: Session, model: Any) -> Sequence[Any]:
    """Rows a pick-list shows: visible only, by sort order then name."""
    return session.scalars(select(model).where(model.show_in_list.is_(True)).order_by(*list_order(model))).all()


def move_row(session: Session, model: Any, row_id: int, direction: Direction) -> None:
    """Move one row up or down the list; the whole list is renumbered 10, 20, …"""
    ids = session.scalars(select(model.id).order_by(*list_order(model))).all()
    if row_id not in ids:
        raise NotFound(N_("The row no longer exists."))
    new_orders = reorder(ids, row_id, direction)
    for row in session.scalars(select(model).where(model.id.in_(ids))):
        if row.sort_order != new_orders[row.id]:
            row.sort_order = new_orders[row.id]
    session.commit()


def set_visibility(session: Session, model: Any, ids: Iterable[int], visible: bool) -> int:
    """Show or hide rows in pick-lists; returns how many rows changed."""
    rows = session.scalars(select(model).where(model.id.in_(list(ids)))).all()
    changed = 0
    for row in rows:
        if row.show_in_list != visible:
            row.show_in_list = visible
            changed += 1
    session.commit()
    return changed


def next_sort_order(session: Session, model: Any) -> int:
    return (session.scalar(select(func.max(model.sort_order))) or 0) + 10


def _restricting_foreign_keys(table: Any) -> list[Any]:
    """Foreign keys elsewhere that point at `table` and forbid deleting a referenced row."""
    found = []
    for other in table.metadata.tables.values():
        for fk in other.foreign_keys:
            if fk.column.table is table and (fk.ondelete or "NO ACTION").upper() in ("RESTRICT", "NO ACTION"):
                found.append(fk)
    return found


def usages(session: Session, obj: Any) -> list[str]:
    """Names of the tables whose rows refer to this catalog row."""
    used_in = []
    for fk in _restricting_foreign_keys(obj.__table__):
        key_value = getattr(obj, fk.column.key)
        hit = session.execute(select(fk.parent).where(fk.parent == key_value).limit(1)).first()
        if hit is not None:
            used_in.append(fk.parent.table.name)
    return used_in


def check_can_delete(session: Session, obj: Any) -> None:
    """Predefined rows are never deleted; rows in use are hidden instead of deleted."""
    if getattr(obj, "predefined", False):
        raise Protected(
            N_("«%(name)s» is predefined and cannot be deleted; hide it from lists instead."), name=str(obj)
        )
    with session.no_autoflush:
        used_in = usages(session, obj)
    if used_in:
        raise InUse(N_("«%(name)s» is in use and cannot be deleted; hide it from lists instead."), name=str(obj))


def _guard_deletions(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.deleted):
        if getattr(type(obj), "__audited__", False) and hasattr(obj, "predefined"):
            check_can_delete(session, obj)


def install_deletion_guard(session_factory: Any) -> None:
    if not event.contains(session_factory, "before_flush", _guard_deletions):
        event.listen(session_factory, "before_flush", _guard_deletions)
