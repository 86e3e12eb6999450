"""Records an audit entry for every insert, update and delete of an audited model."""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.clock import Clock, SystemClock


@dataclass(frozen=True)
class AuditActor:
    user_id: int | None
    clock: Clock


_actor: contextvars.ContextVar[AuditActor | None] = contextvars.ContextVar("audit_actor", default=None)


def set_audit_actor(user_id: int | None, clock: Clock) -> contextvars.Token:
    return _actor.set(AuditActor(user_id, clock))


def reset_audit_actor(token: contextvars.Token) -> None:
    _actor.reset(token)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__table__"):
        return str(value)
    return value


def _label(obj: object) -> str:
    return getattr(obj, "code", None) or getattr(obj, "username", None) or str(obj)


RecordTitle = Callable[[Any], str]


def add_record_titles(app: Any, titles: dict[str, RecordTitle]) -> None:
    """How a record of a table is named in the audit log, for models whose `str()` is no name for a person
    (a cadence run, the regulation settings); the site fills it at start-up."""
    app.extensions.setdefault("audit_record_titles", {}).update(titles)


def record_title(obj: object) -> str:
    """A readable name of the record: its table's registered title, else its own `__str__`, else ""
    (never SQLAlchemy's «<CadenceRun 8>»)."""
    from flask import current_app, has_app_context

    titles = current_app.extensions.get("audit_record_titles", {}) if has_app_context() else {}
    title = titles.get(getattr(obj, "__tablename__", ""))
    if title is not None:
        return title(obj) or ""
    if type(obj).__str__ is not object.__str__:
        return str(obj)
    return ""


def _is_audited(obj: object) -> bool:
    return bool(getattr(type(obj), "__audited__", False))


def _changes(obj: object, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    excluded = set(getattr(type(obj), "__audit_exclude__", ()))
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in excluded or attr.key == "version":
            continue
        history = state.attrs[attr.key].history
        if action == "create":
            value = getattr(obj, attr.key)
            if value not in (None, "", False):
                changes[attr.key] = [None, _plain(value)]
        elif action == "delete":
            changes[attr.key] = [_plain(getattr(obj, attr.key)), None]
        elif history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changes[attr.key] = [_plain(before), _plain(after)]
    for rel in state.mapper.relationships:
        if rel.secondary is None or rel.key in excluded:
            continue
        history = state.attrs[rel.key].history
        if history.has_changes():
            before = [_label(o) for o in history.unchanged + history.deleted]
            after = [_label(o) for o in history.unchanged + history.added]
            changes[rel.key] = [before, after]
    return changes


def _record(session: Session, flush_context: Any) -> None:
    actor = _actor.get()
    now = (actor.clock if actor else SystemClock()).now()
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in list(objects):
            if not _is_audited(obj) or (action == "update" and not session.is_modified(obj)):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            rows.append(
                {
                    "at": now,
                    "actor_id": actor.user_id if actor else None,
                    "entity": obj.__tablename__,
                    "entity_id": getattr(obj, "id", None),
                    "entity_label": record_title(obj)[:200],
                    "action": action,
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(AuditEntry.__table__.insert(), rows)


def install_audit_listener(session_factory: Any) -> None:
    if not event.contains(session_factory, "after_flush", _record):
        event.listen(session_factory, "after_flush", _record)
