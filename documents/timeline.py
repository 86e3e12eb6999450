"""Timeline sources of the client's documents."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.i18n import N_, Message
from clients.timeline import TimelineItem
from documents.labels import BOOKING_STATUS_LABELS, RESERVATION_STATUS_LABELS, WORK_ORDER_STATE_LABELS
from documents.models import Booking, PartsReservation, RepairVisit, WorkOrder, WorkSheet


def _number(prefix: str, id_: int) -> str:
    return f"{prefix}-{id_:06d}"


def _bookings(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(select(Booking.id, Booking.created_at, Booking.start_at, Booking.status)
                           .where(Booking.client_id == client_id)
                           .order_by(Booking.created_at.desc(), Booking.id.desc()).limit(limit))
    return [TimelineItem(created, "booking", Message(N_("Booking %(number)s for %(start)s: %(status)s"), {
        "number": _number(Booking.number_prefix, id_), "start": start,
        "status": Message(BOOKING_STATUS_LABELS[status])}), document=("booking", id_))
            for id_, created, start, status in rows]


def _work_orders(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(select(WorkOrder.id, WorkOrder.opened_at, WorkOrder.state, WorkOrder.total)
                           .where(WorkOrder.client_id == client_id)
                           .order_by(WorkOrder.opened_at.desc(), WorkOrder.id.desc()).limit(limit))
    return [TimelineItem(opened, "work_order", Message(N_("Work order %(number)s, %(total)s ₽: %(state)s"), {
        "number": _number(WorkOrder.number_prefix, id_), "total": f"{total:,.2f}".replace(",", " "),
        "state": Message(WORK_ORDER_STATE_LABELS[state])}), document=("workorder", id_))
            for id_, opened, state, total in rows]


def _repair_visits(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(select(RepairVisit.id, RepairVisit.arrived_at, RepairVisit.mileage)
                           .where(RepairVisit.client_id == client_id)
                           .order_by(RepairVisit.arrived_at.desc(), RepairVisit.id.desc()).limit(limit))
    return [TimelineItem(arrived, "repair_visit", Message(N_("Repair visit %(number)s, mileage %(mileage)s km"), {
        "number": _number(RepairVisit.number_prefix, id_), "mileage": mileage if mileage is not None else "—"}),
        document=("repairvisit", id_)) for id_, arrived, mileage in rows]


def _work_sheets(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(select(WorkSheet.id, WorkSheet.created_at, WorkSheet.interest)
                           .where(WorkSheet.client_id == client_id)
                           .order_by(WorkSheet.created_at.desc(), WorkSheet.id.desc()).limit(limit))
    return [TimelineItem(created, "work_sheet", Message(N_("Work sheet %(number)s: %(interest)s"), {
        "number": _number(WorkSheet.number_prefix, id_), "interest": interest or "—"}), document=("worksheet", id_))
            for id_, created, interest in rows]


def _reservations(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(select(PartsReservation.id, PartsReservation.created_at, PartsReservation.part_name,
                                  PartsReservation.quantity, PartsReservation.status)
                           .where(PartsReservation.client_id == client_id)
                           .order_by(PartsReservation.created_at.desc(), PartsReservation.id.desc()).limit(limit))
    return [TimelineItem(created, "reservation", Message(N_("Reserved %(part)s × %(quantity)s: %(status)s"), {
        "part": part, "quantity": quantity, "status": Message(RESERVATION_STATUS_LABELS[status])}),
        document=("partsreservation", id_)) for id_, created, part, quantity, status in rows]


TIMELINE_SOURCES = {"booking": _bookings, "work_order": _work_orders, "repair_visit": _repair_visits,
                    "work_sheet": _work_sheets, "reservation": _reservations}
