"""Daily roll-ups of the traffic journal: what the KPI queries would count for a settled day, counted once.

At tier M a month of the journal is a quarter of a million rows; the report reads a month of these instead (a few
hundred rows a day) and counts only the recent, unsettled days live. Kept by the `kpi_rollup` timer each night.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime


class RolledDay(db.Model):
    """A local day whose traffic is in the roll-ups (and when it was counted)."""

    __tablename__ = "kpi_rolled_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    rolled_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TrafficDay(db.Model):
    """The day's traffic records counted by what the report groups them by: once with who took them
    (`by_employee`, for the employee filter and the employees' table) and once across employees (`taken_by_id`
    empty), which the unfiltered report reads — a fraction of the rows."""

    __tablename__ = "kpi_traffic_day"
    __table_args__ = (Index("ix_kpi_traffic_day_by_employee_day", "by_employee", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    by_employee: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(String(16))
    goal_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    escalated: Mapped[bool] = mapped_column(Boolean)
    ignore_reason_id: Mapped[int | None] = mapped_column(Integer)
    taken_by_id: Mapped[int | None] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)


class TrafficMinutes(db.Model):
    """The day's minute histograms: waits until taken (`kind` «wait», with how many of them were processed) and
    processing times («processing»), per goal and employee (`by_employee`); processing also across employees, as
    the unfiltered report reads it (the employees' table needs only their waits)."""

    __tablename__ = "kpi_traffic_minutes"
    __table_args__ = (Index("ix_kpi_traffic_minutes_kind_by_employee_day", "kind", "by_employee", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    by_employee: Mapped[bool] = mapped_column(Boolean)
    goal_id: Mapped[int | None] = mapped_column(Integer)
    taken_by_id: Mapped[int | None] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    processed: Mapped[int] = mapped_column(Integer, default=0)
