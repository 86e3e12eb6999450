"""The kinds of document a traffic record can be attached to («создать на основании»): each wing adds its own
at start-up (`add_document_kinds` from its `register(app)`), the documents' here, the bookings' from the desk."""

from __future__ import annotations

from flask import Flask, current_app

from app.registry import add_once
from catalogs.models import DOCUMENT_KINDS


def add_document_kinds(app: Flask, kinds: dict[str, type]) -> None:
    unknown = set(kinds) - set(DOCUMENT_KINDS)
    if unknown:
        raise ValueError(f"not a document kind of the catalogs: {', '.join(sorted(unknown))}")
    add_once(app.extensions.setdefault("document_kinds", {}), kinds, what="document kind")


def document_models() -> dict[str, type]:
    """Kind → model of the installed wings, in the order the traffic card offers them (the catalogs' order)."""
    installed = current_app.extensions.get("document_kinds", {})
    return {kind: installed[kind] for kind in DOCUMENT_KINDS if kind in installed}


def add_document_listener(app: Flask, kind: str, listener) -> None:
    """`listener(session, document, *, user_id, clock)` runs in the transaction that creates a `kind` document
    (flushed, never committed); it may return a Message the form shows after saving (the desk marks the day's
    booking of a repair visit's client as arrived)."""
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"not a document kind of the catalogs: {kind}")
    app.extensions.setdefault("document_listeners", {}).setdefault(kind, []).append(listener)


def document_listeners(kind: str) -> list:
    return list(current_app.extensions.get("document_listeners", {}).get(kind, ()))
