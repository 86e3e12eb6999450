"""«The client made contact»: a kernel notification point. A wing that registers a contact with an identified
client (a call or a visit registered as traffic, an appeal) calls `client_contacted` inside its own
transaction; the wings that care (the leads stop their cadences) listen, registered at start-up. The caller
names no listener, so traffic and appeals never import the leads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

ContactListener = Callable[..., Any]  # (session, client_id, *, at, source); flushes, never commits
CONTACT_SOURCES = ("traffic_call", "traffic_visit", "appeal")


def add_contact_listener(app: Flask, listener: ContactListener) -> None:
    listeners = app.extensions.setdefault("contact_listeners", [])
    if listener not in listeners:
        listeners.append(listener)


def client_contacted(session: Session, client_id: int | None, *, at: datetime, source: str) -> None:
    """Tell every listener that `client_id` got in touch at `at` (a source of `CONTACT_SOURCES`). Nothing for
    an unknown client. Runs inside the caller's transaction: the caller's one commit saves both."""
    if client_id is None:
        return
    if source not in CONTACT_SOURCES:
        raise ValueError(f"unknown contact source {source!r}")
    for listener in current_app.extensions.get("contact_listeners", []):
        listener(session, client_id, at=at, source=source)
