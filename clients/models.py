"""Clients, their contact details and cars, and the events (registered contacts) of a client.

Every searchable value has a normalised key column written with it (app/domain/normalise.py); the
search indexes are built on those keys (pg_trgm on PostgreSQL, FTS5 trigram on SQLite, see the
migration `c1a7e3f0b2d4`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.normalise import card_key, contact_key, format_phone, name_key, vehicle_key
from app.extensions import db
from app.models.base import UTCDateTime
from app.models.types import search_key
from app.models.user import User

EVENT_KINDS = ("call_in", "call_out", "visit", "message", "other")
EVENT_STATUSES = ("new", "done")


class Client(db.Model):
    __tablename__ = "client"
    __audited__ = True
    __audit_exclude__ = ("name_key", "card_key")
    __table_args__ = (Index("ix_client_name_key_id", "name_key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="person")
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(search_key(200), default="")
    contact_person: Mapped[str] = mapped_column(String(200), default="", server_default="")  # of a company
    inn: Mapped[str] = mapped_column(String(12), default="", index=True)
    discount_card: Mapped[str] = mapped_column(String(40), default="")
    card_key: Mapped[str] = mapped_column(search_key(40), default="", index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])
    contacts: Mapped[list[ClientContact]] = relationship(
        back_populates="client", cascade="all, delete-orphan",
        order_by="(ClientContact.is_main.desc(), ClientContact.id)",
    )
    cars: Mapped[list[Car]] = relationship(back_populates="client", order_by="Car.id")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.name

    @property
    def main_phone(self) -> ClientContact | None:
        return next((c for c in self.contacts if c.kind == "phone"), None)

    @property
    def phones(self) -> list[ClientContact]:
        return [c for c in self.contacts if c.kind == "phone"]

    @property
    def emails(self) -> list[ClientContact]:
        return [c for c in self.contacts if c.kind == "email"]


class ClientContact(db.Model):
    __tablename__ = "client_contact"
    __audited__ = True
    __audit_exclude__ = ("value_key",)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(200))
    value_key: Mapped[str] = mapped_column(search_key(200), default="", index=True)
    is_main: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    client: Mapped[Client] = relationship(back_populates="contacts")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return format_phone(self.value) if self.kind == "phone" else self.value


class Car(db.Model):
    __tablename__ = "car"
    __audited__ = True
    __audit_exclude__ = ("vin_key", "plate_key")

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="RESTRICT"), index=True)
    make_model: Mapped[str] = mapped_column(String(200))
    vin: Mapped[str] = mapped_column(String(40), default="")
    vin_key: Mapped[str] = mapped_column(search_key(40), default="", index=True)
    plate: Mapped[str] = mapped_column(String(20), default="")
    plate_key: Mapped[str] = mapped_column(search_key(20), default="", index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    client: Mapped[Client] = relationship(back_populates="cars")

    def __str__(self) -> str:
        return ", ".join(part for part in (self.make_model, self.plate or self.vin) if part)


class ClientEvent(db.Model):
    """A registered contact with the client («событие»); `new` until someone processes it."""

    __tablename__ = "client_event"
    __audited__ = True
    __table_args__ = (Index("ix_client_event_status_client", "status", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="new")
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    client: Mapped[Client] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])


@event.listens_for(Client, "before_insert")
@event.listens_for(Client, "before_update")
def _client_keys(_mapper, _connection, client: Client) -> None:
    client.name_key = name_key(client.name or "")
    client.card_key = card_key(client.discount_card or "")


@event.listens_for(ClientContact, "before_insert")
@event.listens_for(ClientContact, "before_update")
def _contact_key(_mapper, _connection, contact: ClientContact) -> None:
    contact.value_key = contact_key(contact.kind, contact.value or "")


@event.listens_for(Car, "before_insert")
@event.listens_for(Car, "before_update")
def _car_keys(_mapper, _connection, car: Car) -> None:
    car.vin_key = vehicle_key(car.vin or "")
    car.plate_key = vehicle_key(car.plate or "")
