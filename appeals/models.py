"""An appeal is one «Контакт с клиентом»: its category (picked, or assigned by a rule with the reason
kept), its outcome, and what it did to the client's «Обращение в СТО» process."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.i18n import Message, stored_message
from app.extensions import db
from app.models.base import UTCDateTime
from app.models.user import User
from clients.models import Client

APPEAL_CHANNELS = ("call", "visit", "message", "other")
SERVICE_REQUEST_STATUSES = ("open", "done", "refused")
# What an appeal did to the client's «Обращение в СТО»: opened a new one, continued the open one,
# reopened one that had ended in refusal, or ended the open one with a refusal.
PROCESS_EFFECTS = ("opened", "continued", "reopened", "refused")


class ServiceRequest(db.Model):
    """«Обращение в СТО»: opened by an appeal's outcome, ended done or refused, reopened by a repeat appeal."""

    __tablename__ = "service_request"
    __audited__ = True
    __table_args__ = (Index("ix_service_request_client_status", "client_id", "status", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    result_note: Mapped[str] = mapped_column(Text, default="")
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    client: Mapped[Client] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def number(self) -> str:
        return f"ОС-{self.id:06d}" if self.id else ""

    def __str__(self) -> str:
        return self.number


class Appeal(db.Model):
    __tablename__ = "appeal"
    __audited__ = True
    __table_args__ = (Index("ix_appeal_client_registered_at", "client_id", "registered_at"),
                      Index("ix_appeal_registered_at", "registered_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="RESTRICT"))
    channel: Mapped[str] = mapped_column(String(8))
    traffic_id: Mapped[int | None] = mapped_column(ForeignKey("traffic.id", ondelete="SET NULL"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("appeal_category.id", ondelete="RESTRICT"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("appeal_outcome.id", ondelete="RESTRICT"), index=True)
    assigned_automatically: Mapped[bool] = mapped_column(Boolean, default=False)
    rule: Mapped[str | None] = mapped_column(String(32))
    reason_text: Mapped[str] = mapped_column(String(200), default="")
    reason_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    service_request_id: Mapped[int | None] = mapped_column(ForeignKey("service_request.id", ondelete="SET NULL"),
                                                           index=True)
    process_effect: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    client: Mapped[Client] = relationship()
    category = relationship("AppealCategory")
    outcome = relationship("AppealOutcome")
    service_request: Mapped[ServiceRequest | None] = relationship()
    traffic = relationship("Traffic")
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])

    @property
    def number(self) -> str:
        return f"ОБ-{self.id:06d}" if self.id else ""

    @property
    def reason(self) -> Message | None:
        return stored_message(self.reason_text, self.reason_params) if self.reason_text else None

    def __str__(self) -> str:
        return self.number
