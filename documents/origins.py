"""Records a document can be created «на основании» of (today: a traffic card). The wing that owns the record adds
its origin at start-up (`add_document_origin`); the document forms read the query parameter it names, prefill
the car noted on the record and attach the new document to it in the document's own transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from app.registry import add_once


@dataclass(frozen=True)
class DocumentOrigin:
    param: str  # the query parameter of the create form, e.g. "traffic_id"
    car_for: Callable[..., Any]  # (session, origin_id, client) -> the car noted on the record if it is the client's
    attach: Callable[..., Any]  # (session, origin_id, *, document_type, document_id, user_id, clock) -> record;
    # flushes, never commits; raises DomainError when the record cannot take the document
    number_of: Callable[[Any], str]  # the record's number for the confirmation


def add_document_origin(app: Flask, origin: DocumentOrigin) -> None:
    add_once(app.extensions.setdefault("document_origins", {}), {origin.param: origin}, what="document origin")


def document_origins() -> list[DocumentOrigin]:
    return list(current_app.extensions.get("document_origins", {}).values())
