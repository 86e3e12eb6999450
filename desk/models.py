"""Bookings (предварительные записи), their works and the confirmation calls the desk makes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime
from app.models.user import User
from desk.labels import BOOKING_STATUS_LABELS
from documents.models import DocumentMixin

BOOKING_STATUSES = ("planned", "confirmed", "cancelled", "arrived", "no_show")


class Booking(DocumentMixin, db.Model):
    """A pre-booking for a service visit (предварительная запись) and its confirmation-desk state."""

    __tablename__ = "booking"
    __table_args__ = (Index("ix_booking_state_next_contact", "confirmation_state", "next_contact_at"),)
    number_prefix = "ЗР"
    status_labels = BOOKING_STATUS_LABELS

    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    start_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    confirmation_state: Mapped[str] = mapped_column(String(16), default="to_call")
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason_id: Mapped[int | None] = mapped_column(ForeignKey("cancellation_reason.id", ondelete="RESTRICT"),
                                                         index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The client came: by the repair visit opened for them on the visit day, or marked by reception
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    repair_visit_id: Mapped[int | None] = mapped_column(ForeignKey("repair_visit.id", ondelete="SET NULL"),
                                                        index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    advisor: Mapped[User | None] = relationship(foreign_keys=[advisor_id])
    repair_visit = relationship("RepairVisit")
    cancel_reason = relationship("CancellationReason")
    works: Mapped[list[BookingWork]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", order_by="BookingWork.id")
    attempts: Mapped[list[ConfirmationAttempt]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", order_by="ConfirmationAttempt.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def contact_phone(self) -> str:
        """The number to call: the booking's own, else the client's main phone ("" when the client has none)."""
        if self.phone:
            return self.phone
        main = self.client.main_phone if self.client is not None else None
        return main.display if main is not None else ""


class BookingWork(db.Model):
    """A work of a booking: from the works catalog or free text, with hours and price."""

    __tablename__ = "booking_work"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    work_id: Mapped[int | None] = mapped_column(ForeignKey("work.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0"))
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    added_on_call: Mapped[bool] = mapped_column(default=False)

    booking: Mapped[Booking] = relationship(back_populates="works")
    work = relationship("Work")

    def __str__(self) -> str:
        return self.name


class ConfirmationAttempt(db.Model):
    """One confirmation call (or the system's cancellation) and what it decided."""

    __tablename__ = "confirmation_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(16))  # confirmation OUTCOMES, or "system_cancel"
    reason: Mapped[str] = mapped_column(String(32), default="")
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    new_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason_id: Mapped[int | None] = mapped_column(ForeignKey("cancellation_reason.id", ondelete="RESTRICT"))
    next_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    state_after: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")

    booking: Mapped[Booking] = relationship(back_populates="attempts")
    operator: Mapped[User | None] = relationship()
    cancel_reason = relationship("CancellationReason")
