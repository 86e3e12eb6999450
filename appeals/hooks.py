"""What appeals add to the client timeline: each appeal with its category, and each «Обращение в СТО»."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.i18n import N_, Message
from appeals.models import Appeal, ServiceRequest
from appeals.rules import APPEAL_ROLES
from catalogs.models import AppealCategory, AppealOutcome
from clients.timeline import TimelineItem
from traffic.card_actions import CardAction

# Distinct msgids: the Russian agrees with «обращение» (neuter), unlike the work order's «Выполнен».
SERVICE_REQUEST_STATUS_LABELS = {"open": N_("Request open"), "done": N_("Request done"),
                                 "refused": N_("Request refused")}
PROCESS_EFFECT_LABELS = {
    "opened": N_("opened a service request"),
    "continued": N_("continues the open service request"),
    "reopened": N_("reopened the service request"),
    "refused": N_("ended the service request with a refusal"),
}


def _appeals(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(
        select(Appeal.id, Appeal.registered_at, AppealCategory.name, AppealOutcome.name,
               Appeal.assigned_automatically, Appeal.process_effect, Appeal.service_request_id)
        .join(AppealCategory, AppealCategory.id == Appeal.category_id)
        .outerjoin(AppealOutcome, AppealOutcome.id == Appeal.outcome_id)
        .where(Appeal.client_id == client_id)
        .order_by(Appeal.registered_at.desc(), Appeal.id.desc()).limit(limit))
    items = []
    for id_, at, category, outcome, automatic, effect, process_id in rows:
        summary = Message(N_("Appeal %(number)s: %(category)s"), {"number": f"ОБ-{id_:06d}", "category": category})
        if outcome:
            summary = Message(N_("Appeal %(number)s: %(category)s — %(outcome)s"),
                              {"number": f"ОБ-{id_:06d}", "category": category, "outcome": outcome})
        details = {"automatic": automatic}
        if effect:
            details["process"] = Message(N_("%(effect)s %(number)s"), {
                "effect": Message(PROCESS_EFFECT_LABELS[effect]), "number": f"ОС-{process_id:06d}"})
        items.append(TimelineItem(at, "appeal", summary, details=details,
                                  document=("appeals", process_id) if process_id else None))
    return items


def _service_requests(session: Session, client_id: int, limit: int) -> list[TimelineItem]:
    rows = session.execute(
        select(ServiceRequest.id, ServiceRequest.opened_at, ServiceRequest.status, ServiceRequest.result_note)
        .where(ServiceRequest.client_id == client_id)
        .order_by(ServiceRequest.opened_at.desc(), ServiceRequest.id.desc()).limit(limit))
    return [TimelineItem(at, "service_request", Message(N_("Service request %(number)s: %(status)s"), {
        "number": f"ОС-{id_:06d}", "status": Message(SERVICE_REQUEST_STATUS_LABELS[status])}),
        document=("appeals", id_), details={"id": id_, "status": status, "note": note}) for id_, at, status, note in rows]


TIMELINE_SOURCES = {"appeal": _appeals, "service_request": _service_requests}


APPEAL_BUTTON = CardAction(id="appeal", label=_l("Register an appeal"), endpoint="appeals.new", roles=APPEAL_ROLES)
