"""The single row of regulation settings (регламенты) every wing reads: windows, delays, the dealership's zone."""

from __future__ import annotations

from datetime import time

from sqlalchemy import Boolean, Integer, String, Text, Time, false
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class RegulationSettings(db.Model):
    """The single row of regulation settings; see app.domain.regulations for the rules."""

    __tablename__ = "regulation_settings"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    confirmation_window_start: Mapped[time] = mapped_column(Time)
    confirmation_window_end: Mapped[time] = mapped_column(Time)
    retry_delay_minutes: Mapped[int] = mapped_column(Integer)
    latest_call_time: Mapped[time] = mapped_column(Time)
    max_failed_attempts: Mapped[int] = mapped_column(Integer)
    confirmation_horizon_days: Mapped[int] = mapped_column(Integer)
    working_day_start: Mapped[time] = mapped_column(Time)
    working_day_end: Mapped[time] = mapped_column(Time)
    working_weekdays: Mapped[str] = mapped_column(String(20))
    call_continuation_window_hours: Mapped[int] = mapped_column(Integer)
    call_continuation_min_calls: Mapped[int] = mapped_column(Integer)
    repeat_appeal_lookback_days: Mapped[int] = mapped_column(Integer)
    traffic_escalation_minutes: Mapped[int] = mapped_column(Integer)
    no_show_grace_minutes: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    dealer_name: Mapped[str] = mapped_column(String(200))
    dealer_phone: Mapped[str] = mapped_column(String(50))
    script_greeting: Mapped[str] = mapped_column(Text, default="")
    script_purpose: Mapped[str] = mapped_column(Text, default="")
    script_documents: Mapped[str] = mapped_column(Text, default="")
    script_handover: Mapped[str] = mapped_column(Text, default="")
    reception_script: Mapped[str] = mapped_column(Text, default="")
    require_admin_2fa: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer, default=1)
