"""Document use cases the admin forms, the seeds and the tests share. They change the objects they are given
and leave the one commit to the caller (Flask-Admin commits after its `on_model_change`)."""

from __future__ import annotations

from decimal import Decimal

from app.clock import Clock
from documents.models import RepairVisit, WorkOrder


def stamp_created(document, *, user_id: int | None, clock: Clock) -> None:
    """Who made the document and when."""
    document.created_at = clock.now()
    document.created_by_id = user_id


def refresh_work_order(order: WorkOrder, *, clock: Clock) -> None:
    """The total follows the works when there are any; closing stamps the closing time once."""
    if order.lines:
        order.total = sum(((line.price or Decimal("0")) for line in order.lines), Decimal("0"))
    if order.state == "closed" and order.closed_at is None:
        order.closed_at = clock.now()


def open_work_order_for_visit(visit: RepairVisit, *, user_id: int | None, clock: Clock) -> WorkOrder | None:
    """A car that arrives for repair gets its work order (the advisor manages it) unless one is chosen."""
    if visit.work_order is not None:
        return None
    now = clock.now()
    visit.work_order = WorkOrder(client=visit.client, car=visit.car, manager_id=visit.advisor_id, state="open",
                                 opened_at=now, created_at=now, created_by_id=user_id)
    return visit.work_order
