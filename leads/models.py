"""A lead (лид) with its stage, meeting and call tasks; a cadence run keeps the steps it started with."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime
from app.models.user import User
from clients.models import Client

EVENT_TYPES = ("created", "no_meeting_set", "meeting_set", "contact_made", "not_reached", "no_show",
               "meeting_held", "message_reply", "stage_set", "closed", "cadence_started", "cadence_stopped",
               "cadence_step", "client_contact")
CALL_OUTCOMES = ("reached", "not_reached", "call_later")
TASK_STATUSES = ("open", "done", "cancelled")
RUN_STATUSES = ("running", "stopped", "completed")
PAUSE_REASONS = ("callback", "objective")  # a next call agreed with the client; an objective reason («в отпуске до …»)


class Lead(db.Model):
    __tablename__ = "lead"
    __audited__ = True
    __table_args__ = (Index("ix_lead_meeting_at_employee", "meeting_at", "meeting_employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="RESTRICT"), index=True)
    interest: Mapped[str] = mapped_column(String(300), default="")
    stage_id: Mapped[int] = mapped_column(ForeignKey("lead_stage.id", ondelete="RESTRICT"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    next_call_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    meeting_employee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    loss_reason_id: Mapped[int | None] = mapped_column(ForeignKey("loss_reason.id", ondelete="RESTRICT"),
                                                       index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    client: Mapped[Client] = relationship()
    stage = relationship("LeadStage")
    loss_reason = relationship("LossReason")
    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])
    meeting_employee: Mapped[User | None] = relationship(foreign_keys=[meeting_employee_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def number(self) -> str:
        return f"ЛД-{self.id:06d}" if self.id else ""

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def __str__(self) -> str:
        return self.number


class CadenceRun(db.Model):
    """One run of a cadence for a lead. `steps` is a copy taken at the start: editing the cadence in the
    catalog changes new runs only."""

    __tablename__ = "cadence_run"
    __audited__ = True
    __table_args__ = (Index("ix_cadence_run_lead_status", "lead_id", "status"),
                      Index("ix_cadence_run_started_at", "started_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"))
    cadence_id: Mapped[int | None] = mapped_column(ForeignKey("cadence.id", ondelete="SET NULL"), index=True)
    cadence_code: Mapped[str] = mapped_column(String(64), default="")
    cadence_name: Mapped[str] = mapped_column(String(200), default="")
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_step: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    waiting_for_task_id: Mapped[int | None] = mapped_column(Integer)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stop_reason: Mapped[str] = mapped_column(String(32), default="")
    stop_on_contact: Mapped[bool] = mapped_column(Boolean, default=True)  # the cadence's switch when it started
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the steps count from here
    pause_reason: Mapped[str] = mapped_column(String(16), default="")
    pause_note: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    lead: Mapped[Lead] = relationship()

    @property
    def counted_from(self) -> datetime:
        """Where the steps' days and hours count from: the agreed date of a paused run, else its start."""
        return self.paused_until or self.started_at

    __mapper_args__ = {"version_id_col": version}


class CallTask(db.Model):
    """A call the call-centre manager has to make, with its outcome once made."""

    __tablename__ = "call_task"
    __audited__ = True
    __table_args__ = (Index("ix_call_task_status_due_at", "status", "due_at"),
                      Index("ix_call_task_done_at_by_outcome", "done_at", "done_by_id", "outcome"))  # the KPIs

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    cadence_run_id: Mapped[int | None] = mapped_column(ForeignKey("cadence_run.id", ondelete="SET NULL"),
                                                       index=True)
    step_index: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(300), default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="open")
    outcome: Mapped[str | None] = mapped_column(String(16))
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    lead: Mapped[Lead] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])

    __mapper_args__ = {"version_id_col": version}


class LeadEvent(db.Model):
    """What happened with a lead, newest last: the lead card's history and the API's events."""

    __tablename__ = "lead_event"
    __table_args__ = (Index("ix_lead_event_lead_at", "lead_id", "at"), Index("ix_lead_event_type_at", "type", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship()
