"""The home page's panels: each wing shows each role its day («my untaken traffic», «today's confirmation
progress»…), registered at start-up; the home page and its live refresh render the panels of the user's roles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app

from app.registry import add_once


@dataclass(frozen=True)
class HomePanel:
    key: str  # the panel's element id is home-<key>
    order: int  # place on the page, smaller first
    roles: frozenset  # who sees it
    template: str  # rendered with `data`, what `build` returned
    build: Callable[..., dict]  # build(session, user, now) → the panel's data; a few bounded queries


def add_home_panels(app: Flask, panels) -> None:
    add_once(app.extensions.setdefault("home_panels", {}), {panel.key: panel for panel in panels}, what="home panel")


def panels_for(session, user, now: datetime) -> list[tuple[HomePanel, dict]]:
    """The panels this user's roles see, in order, each with its data."""
    panels = sorted(current_app.extensions.get("home_panels", {}).values(), key=lambda panel: (panel.order, panel.key))
    return [(panel, panel.build(session, user, now)) for panel in panels if user.has_any_role(panel.roles)]
