"""The admin menu, assembled from what each wing declares at start-up.

A wing's `register(app)` calls `add_admin_views(app, [MenuEntry(position, build), …])`; the site
(`admin_views`) builds one Flask-Admin `Admin` per app and adds every declared view in the order of
their positions, so the menu's order is data, and no module lists every wing's views. Positions by
hundreds (docs/architecture.md): catalogs 1xx, clients 2xx, desk 3xx, traffic 4xx, appeals 5xx,
leads 6xx, documents 7xx, administration 8xx-9xx. `build` runs when the admin is assembled, once
per app (a view instance belongs to one `Admin`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask
from flask_admin import BaseView
from flask_babel import lazy_gettext as _l

from app.registry import add_once

# The menu's drop-down categories: one label each, shared by the wings that put views in them.
CATALOGS = _l("Catalogs")
DOCUMENTS = _l("Documents")
ADMINISTRATION = _l("Administration")


@dataclass(frozen=True)
class MenuEntry:
    position: int
    build: Callable[[], BaseView]


def add_admin_views(app: Flask, entries: Iterable[MenuEntry]) -> None:
    """Declare views for the admin menu; two views cannot take the same position."""
    add_once(app.extensions.setdefault("admin_menu", {}), {str(e.position).zfill(6): e for e in entries},
             what="admin menu position")


def declared_views(app: Flask) -> list[BaseView]:
    """Every declared view, built, in menu order."""
    menu: dict[str, MenuEntry] = app.extensions.get("admin_menu", {})
    return [menu[key].build() for key in sorted(menu)]
