"""Document tables. Each belongs to a client (and maybe a car) and shows a number like «ЗН-000042»."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime
from app.models.user import User
from clients.models import Car, Client
from documents.labels import RESERVATION_STATUS_LABELS, WORK_ORDER_STATE_LABELS, WORK_SHEET_STATUS_LABELS
from documents.rules import document_number

WORK_ORDER_STATES = ("open", "in_progress", "done", "closed")
OPEN_WORK_ORDER_STATES = ("open", "in_progress", "done")
WORK_SHEET_STATUSES = ("open", "closed")
RESERVATION_STATUSES = ("reserved", "issued", "cancelled")


class DocumentMixin:
    """Client, car, author, creation time and a printable number."""

    __audited__ = True
    number_prefix = ""
    status_labels: dict[str, str] = {}  # status code → msgid, for pick-lists and journals
    status_column = "status"

    @property
    def status_label(self) -> str:
        """The msgid of the document's state («Открыт», «Запланирована»…), "" for a kind without one."""
        return self.status_labels.get(getattr(self, self.status_column, None) or "", "")

    id: Mapped[int] = mapped_column(primary_key=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @declared_attr
    def client_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("client.id", ondelete="RESTRICT"), index=True)

    @declared_attr
    def car_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("car.id", ondelete="RESTRICT"), index=True)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    @declared_attr
    def client(cls) -> Mapped[Client]:
        return relationship(Client)

    @declared_attr
    def car(cls) -> Mapped[Car | None]:
        return relationship(Car)

    @declared_attr
    def created_by(cls) -> Mapped[User | None]:
        return relationship(User, foreign_keys=[cls.created_by_id])

    @property
    def number(self) -> str:
        return document_number(self.number_prefix, self.id)

    def __str__(self) -> str:
        return self.number


class WorkOrder(DocumentMixin, db.Model):
    """A work order (заказ-наряд): works with hours and prices, the total and what was paid."""

    __tablename__ = "work_order"
    __table_args__ = (Index("ix_work_order_state_client", "state", "client_id"),)
    number_prefix = "ЗН"
    status_labels = WORK_ORDER_STATE_LABELS
    status_column = "state"

    manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    paid: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])
    lines: Mapped[list[WorkOrderLine]] = relationship(
        back_populates="work_order", cascade="all, delete-orphan", order_by="WorkOrderLine.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def debt(self) -> Decimal:
        return max(Decimal("0"), (self.total or Decimal("0")) - (self.paid or Decimal("0")))


class WorkOrderLine(db.Model):
    __tablename__ = "work_order_line"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id", ondelete="CASCADE"), index=True)
    work_id: Mapped[int | None] = mapped_column(ForeignKey("work.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0"))
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))

    work_order: Mapped[WorkOrder] = relationship(back_populates="lines")
    work = relationship("Work")

    def __str__(self) -> str:
        return self.name


class RepairVisit(DocumentMixin, db.Model):
    """A car's arrival for repair (машинозаезд)."""

    __tablename__ = "repair_visit"
    number_prefix = "МЗ"

    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime())
    mileage: Mapped[int | None] = mapped_column(Integer)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id", ondelete="SET NULL"), index=True)

    advisor: Mapped[User | None] = relationship(foreign_keys=[advisor_id])
    work_order: Mapped[WorkOrder | None] = relationship()


class WorkSheet(DocumentMixin, db.Model):
    """A sales manager's work sheet (рабочий лист) for a client's interest in a car."""

    __tablename__ = "work_sheet"
    number_prefix = "РЛ"
    status_labels = WORK_SHEET_STATUS_LABELS

    manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    interest: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")

    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])


class PartsReservation(DocumentMixin, db.Model):
    """Goods reserved in the warehouse for the client (товары в резерве)."""

    __tablename__ = "parts_reservation"
    __table_args__ = (Index("ix_parts_reservation_status_client", "status", "client_id"),)
    number_prefix = "РЗ"
    status_labels = RESERVATION_STATUS_LABELS

    part_number: Mapped[str] = mapped_column(String(60), default="")
    part_name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="reserved")
    reserved_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
