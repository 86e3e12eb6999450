"""A traffic record: one incoming call or walk-in, from registration to its document (or ignore reason)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime
from app.models.types import search_key
from app.models.user import User
from catalogs.models import DOCUMENT_KINDS
from clients.models import Car, Client
from documents.rules import document_number

STATUSES = ("new", "waiting", "in_processing", "processed", "ignored")
OPEN_STATUSES = ("new", "waiting")
DOCUMENT_TYPES = DOCUMENT_KINDS  # the kinds a record can be attached to: one list, the catalogs'


class Traffic(db.Model):
    __tablename__ = "traffic"
    __audited__ = True
    __audit_exclude__ = ("phone_key",)
    __table_args__ = (
        Index("ix_traffic_registered_at_id", "registered_at", "id"),
        Index("ix_traffic_status_registered_at", "status", "registered_at"),
        # The journal's employee / operator / goal filters list newest first: the filter column, then the date
        # (no sort of an employee's 10 000 rows); the leading column still serves the foreign key.
        Index("ix_traffic_taken_by_registered_at", "taken_by_id", "registered_at", "id"),
        Index("ix_traffic_registered_by_registered_at", "registered_by_id", "registered_at", "id"),
        Index("ix_traffic_goal_registered_at", "goal_id", "registered_at", "id"),
        Index("ix_traffic_escalated_at", "escalated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("contact_goal.id", ondelete="RESTRICT"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="RESTRICT"), index=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_key: Mapped[str] = mapped_column(search_key(20), default="", index=True)
    car_id: Mapped[int | None] = mapped_column(ForeignKey("car.id", ondelete="RESTRICT"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="new")
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # supervisors told nobody took it
    document_type: Mapped[str | None] = mapped_column(String(16))
    document_id: Mapped[int | None] = mapped_column(Integer)
    ignore_reason_id: Mapped[int | None] = mapped_column(ForeignKey("ignore_reason.id", ondelete="RESTRICT"),
                                                         index=True)
    ignore_comment: Mapped[str] = mapped_column(Text, default="")
    call_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    line: Mapped[str] = mapped_column(String(60), default="")
    recording_url: Mapped[str] = mapped_column(String(1000), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    goal = relationship("ContactGoal")
    client: Mapped[Client | None] = relationship()
    car: Mapped[Car | None] = relationship()
    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])
    taken_by: Mapped[User | None] = relationship(foreign_keys=[taken_by_id])
    ignore_reason = relationship("IgnoreReason")

    __mapper_args__ = {"version_id_col": version}

    number_prefix = "ТР"

    @property
    def number(self) -> str:
        return document_number(self.number_prefix, self.id)

    def __str__(self) -> str:
        return self.number
