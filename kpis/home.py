"""The supervisor's home panel: the KPI tiles of today and of this week."""

from __future__ import annotations

from datetime import datetime

from app.domain.roles import Role
from app.home import HomePanel
from kpis import present, rules, service

TILES = ("confirmation_rate", "show_rate", "no_show_rate", "total", "wait_p50", "untaken", "escalated",
         "cadences_started")


def kpi_tiles(session, user, now: datetime) -> dict:
    """Today's and this week's figures, each against its previous period, as on «Показатели»."""
    zone = service.dealership_zone(session)
    today = now.astimezone(zone).date()
    periods, memo = [], {}
    for name in ("today", "week"):
        period = rules.named_period(name, today)
        report = service.report(session, period, zone=zone, parts=service.TILES, memo=memo)
        before = service.report(session, rules.previous_period(name, period), zone=zone, parts=service.TILES, memo=memo)
        tiles = [tile for section in present.tiles(report, before).values() for tile in section if tile.key in TILES]
        periods.append((name, present.period_label(report), sorted(tiles, key=lambda t: TILES.index(t.key))))
    return {"periods": periods}


HOME_PANELS = (HomePanel("kpi-tiles", 5, frozenset({Role.SUPERVISOR}), "home/kpi_tiles.html", kpi_tiles),)
