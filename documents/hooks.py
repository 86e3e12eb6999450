"""What the documents plug into the clients workstation: timeline items, the search's check-boxes,
«мои клиенты» and the client's debt."""

from __future__ import annotations

import logging
from decimal import Decimal

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from app.domain.i18n import N_, Message
from app.domain.input_limits import stored_amount
from clients.timeline import TimelineItem
from documents.labels import RESERVATION_STATUS_LABELS, WORK_ORDER_STATE_LABELS
from documents.models import OPEN_WORK_ORDER_STATES, PartsReservation, RepairVisit, WorkOrder, WorkSheet
from documents.rules import document_number

log = logging.getLogger(__name__)


def open_orders_debt(session: Session, client_id: int) -> Decimal:
    """What the client still owes on work orders that are not closed. Summed here, not by the database:
    an order whose stored amounts are not numbers (NaN, Infinity, 1e309 from an old form) is left out
    and logged, so one bad row never breaks the client's card or API answer."""
    rows = session.execute(select(WorkOrder.id, WorkOrder.total, WorkOrder.paid).where(
        WorkOrder.client_id == client_id, WorkOrder.state.in_(OPEN_WORK_ORDER_STATES)))
    owed = Decimal("0")
    for order_id, total, paid in rows:
        total, paid = stored_amount(total), stored_amount(paid)
        if total is None or paid is None:
            log.warning("work order %s has amounts that are not numbers; left out of the debt", order_id)
        elif total > paid:
            owed += total - paid
    return owed.quantize(Decimal("0.01"))


def _work_orders_of(user_id: int) -> Select:
    return select(WorkOrder.client_id).where(or_(WorkOrder.manager_id == user_id, WorkOrder.created_by_id == user_id))


def _work_sheets_of(user_id: int) -> Select:
    return select(WorkSheet.client_id).where(or_(WorkSheet.manager_id == user_id, WorkSheet.created_by_id == user_id))


CLIENT_OWNERS = (_work_orders_of, _work_sheets_of)
CLIENT_FILTERS = {
    "open_orders": lambda day: select(WorkOrder.client_id).where(WorkOrder.state.in_(OPEN_WORK_ORDER_STATES)),
    "reserved_goods": lambda day: select(PartsReservation.client_id).where(PartsReservation.status == "reserved"),
    "on_service": lambda day: select(WorkOrder.client_id).where(WorkOrder.state == "in_progress"),
    "awaiting_pickup": lambda day: select(WorkOrder.client_id).where(WorkOrder.state == "done"),
}


def _work_orders(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(select(WorkOrder.id, WorkOrder.opened_at, WorkOrder.state, WorkOrder.total)
                           .where(WorkOrder.client_id == client_id)
                           .order_by(WorkOrder.opened_at.desc(), WorkOrder.id.desc()).limit(limit))
    return [TimelineItem(opened, "work_order", Message(N_("Work order %(number)s, %(total)s ₽: %(state)s"), {
        "number": document_number(WorkOrder.number_prefix, id_), "total": f"{total:,.2f}".replace(",", " "),
        "state": Message(WORK_ORDER_STATE_LABELS[state])}), document=("workorder", id_))
            for id_, opened, state, total in rows]


def _repair_visits(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(select(RepairVisit.id, RepairVisit.arrived_at, RepairVisit.mileage)
                           .where(RepairVisit.client_id == client_id)
                           .order_by(RepairVisit.arrived_at.desc(), RepairVisit.id.desc()).limit(limit))
    return [TimelineItem(arrived, "repair_visit", Message(N_("Repair visit %(number)s, mileage %(mileage)s km"), {
        "number": document_number(RepairVisit.number_prefix, id_), "mileage": mileage if mileage is not None else "—"}),
        document=("repairvisit", id_)) for id_, arrived, mileage in rows]


def _work_sheets(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(select(WorkSheet.id, WorkSheet.created_at, WorkSheet.interest)
                           .where(WorkSheet.client_id == client_id)
                           .order_by(WorkSheet.created_at.desc(), WorkSheet.id.desc()).limit(limit))
    return [TimelineItem(created, "work_sheet", Message(N_("Work sheet %(number)s: %(interest)s"), {
        "number": document_number(WorkSheet.number_prefix, id_), "interest": interest or "—"}), document=("worksheet", id_))
            for id_, created, interest in rows]


def _reservations(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(select(PartsReservation.id, PartsReservation.created_at, PartsReservation.part_name,
                                  PartsReservation.quantity, PartsReservation.status)
                           .where(PartsReservation.client_id == client_id)
                           .order_by(PartsReservation.created_at.desc(), PartsReservation.id.desc()).limit(limit))
    return [TimelineItem(created, "reservation", Message(N_("Reserved %(part)s × %(quantity)s: %(status)s"), {
        "part": part, "quantity": quantity, "status": Message(RESERVATION_STATUS_LABELS[status])}),
        document=("partsreservation", id_)) for id_, created, part, quantity, status in rows]


TIMELINE_SOURCES = {"work_order": _work_orders, "repair_visit": _repair_visits,
                    "work_sheet": _work_sheets, "reservation": _reservations}
