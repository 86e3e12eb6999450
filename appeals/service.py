"""Appeals (process «Контакт с клиентом», seed 002, SPEC §2.1 and §3.2).

Registering an appeal for an identified client first gathers what is known about the client (calls
within the continuation window, an open «Обращение в СТО», an open work order, a refusal within the
look-back) and lets `appeals.rules.automatic_category` decide. When no rule applies, staff pick a
visible category and one of its outcomes; an outcome with a transition opens «Обращение в СТО», a
refusal ends the open one. A repeat appeal reopens the refused process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.contacts import client_contacted
from app.domain.errors import Conflict, fail_on
from app.domain.i18n import N_, Message, plain_params
from app.services.catalogs import visible_rows
from app.services.persistence import commit_or_conflict, get_versioned
from app.services.regulations import load_regulations
from appeals.models import APPEAL_CHANNELS, Appeal, ServiceRequest
from appeals.rules import AutoCategory, ClientFacts, automatic_category, continuation_window, lookback_start
from catalogs.models import AppealCategory, AppealOutcome
from clients.models import Client
from documents.models import OPEN_WORK_ORDER_STATES, WorkOrder
from traffic.models import Traffic

SERVICE_REQUEST_TRANSITION = "service_request"
STALE_PROCESS = N_("Someone else has just changed this service request; reload the page.")


@dataclass
class AppealDraft:
    client_id: int | None
    channel: str
    category_id: int | None = None
    outcome_id: int | None = None
    traffic_id: int | None = None
    note: str = ""


def client_facts(session: Session, client_id: int, *, channel: str, traffic_id: int | None,
                 now: datetime) -> ClientFacts:
    """What the automatic rules look at, as of `now` (settings give the windows).

    Calls within the continuation window: the client's incoming calls in the traffic and the appeals registered
    by phone without a traffic record (on the client card), the current one included; an appeal made from a
    traffic record is that record's call, counted once. A refusal counts for «Повторное обращение» when its
    «Обращение в СТО» was created within the look-back (seed 002: «за последний месяц … был создан»)."""
    regs = load_regulations(session)
    window_start, window_end = continuation_window(now, regs.call_continuation_window_hours)
    earlier_calls = select(func.count(Traffic.id)).where(
        Traffic.client_id == client_id, Traffic.channel == "call", Traffic.registered_at > window_start,
        Traffic.registered_at <= window_end)
    if traffic_id is not None:
        earlier_calls = earlier_calls.where(Traffic.id != traffic_id)
    card_calls = select(func.count(Appeal.id)).where(
        Appeal.client_id == client_id, Appeal.channel == "call", Appeal.traffic_id.is_(None),
        Appeal.registered_at > window_start, Appeal.registered_at <= window_end)
    calls = (session.scalar(earlier_calls) or 0) + (session.scalar(card_calls) or 0) + (1 if channel == "call" else 0)
    refused = session.scalar(
        select(ServiceRequest.id).where(
            ServiceRequest.client_id == client_id, ServiceRequest.status == "refused",
            ServiceRequest.opened_at > lookback_start(now, regs.repeat_appeal_lookback_days))
        .order_by(ServiceRequest.closed_at.desc(), ServiceRequest.id.desc()).limit(1))
    has_order = session.scalar(select(WorkOrder.id).where(
        WorkOrder.client_id == client_id, WorkOrder.state.in_(OPEN_WORK_ORDER_STATES)).limit(1)) is not None
    return ClientFacts(calls_in_window=calls, open_service_request_id=open_service_request_id(session, client_id),
                       has_open_work_order=has_order, refused_service_request_id=refused)


def open_service_request_id(session: Session, client_id: int) -> int | None:
    return session.scalar(select(ServiceRequest.id).where(
        ServiceRequest.client_id == client_id, ServiceRequest.status == "open")
        .order_by(ServiceRequest.id.desc()).limit(1))


def automatic_for(session: Session, client_id: int, *, channel: str, traffic_id: int | None,
                  now: datetime) -> AutoCategory | None:
    """The category a rule assigns right now, if any (the form shows it before saving)."""
    rules = [(row.id, row.auto_rule) for row in visible_rows(session, AppealCategory) if row.auto_rule]
    if not rules:
        return None
    facts = client_facts(session, client_id, channel=channel, traffic_id=traffic_id, now=now)
    return automatic_category(rules, facts, min_calls=load_regulations(session).call_continuation_min_calls)


def refuses_open_process(session: Session, client_id: int, outcome_id: int | None) -> bool:
    """Does the appeal record a refusal while the client has an open «Обращение в СТО»? Then staff's category and
    outcome apply instead of an automatic category, and the open request ends refused."""
    outcome = session.get(AppealOutcome, outcome_id) if outcome_id else None
    return outcome is not None and outcome.is_refusal and open_service_request_id(session, client_id) is not None


def refusal_outcomes(session: Session) -> list[AppealOutcome]:
    """The refusals staff may record while a service request is open: of the visible manual categories."""
    return [outcome for category in manual_categories(session) for outcome in category.outcomes
            if outcome.is_refusal]


def manual_categories(session: Session) -> list[AppealCategory]:
    """What staff may pick: the visible categories without an automatic rule, in catalog order."""
    return [row for row in visible_rows(session, AppealCategory) if not row.auto_rule]


def register_appeal(session: Session, draft: AppealDraft, *, actor_id: int | None, clock: Clock) -> Appeal:
    now = clock.now()
    problems: dict[str, Message] = {}
    client = session.get(Client, draft.client_id) if draft.client_id else None
    if client is None:
        problems["client_id"] = Message(N_("Pick the client."))
    if draft.channel not in APPEAL_CHANNELS:
        problems["channel"] = Message(N_("Choose how the client got in touch."))
    traffic = session.get(Traffic, draft.traffic_id) if draft.traffic_id else None
    if draft.traffic_id and traffic is None:
        problems["traffic_id"] = Message(N_("This traffic record does not exist."))
    elif traffic is not None and client is not None and traffic.client_id not in (None, client.id):
        problems["traffic_id"] = Message(N_("The traffic record belongs to another client."))
    fail_on(problems)
    if traffic is not None and traffic.client_id is None:
        traffic.client = client  # registering the appeal identifies the caller
    appeal = Appeal(client=client, channel=draft.channel, traffic=traffic, note=draft.note.strip(),
                    registered_at=now, registered_by_id=actor_id, reason_params={})
    auto = automatic_for(session, client.id, channel=draft.channel, traffic_id=draft.traffic_id, now=now)
    if auto is not None and refuses_open_process(session, client.id, draft.outcome_id):
        auto = None  # «Отказ» picked while a service request is open: it ends that request (seed 002)
    if auto is not None:
        _apply_automatic(session, appeal, auto, now)
    else:
        _apply_manual(session, appeal, draft, actor_id, now)
    session.add(appeal)
    client_contacted(session, client.id, at=now, source="appeal")  # the leads' cadences stop
    session.commit()
    return appeal


def _apply_automatic(session: Session, appeal: Appeal, auto: AutoCategory, now: datetime) -> None:
    appeal.category_id, appeal.assigned_automatically, appeal.rule = auto.category_id, True, auto.rule
    appeal.reason_text, appeal.reason_params = auto.reason.text, plain_params(auto.reason.params)
    if auto.reopen_process_id is not None:
        process = session.get(ServiceRequest, auto.reopen_process_id)
        process.status, process.closed_at, process.closed_by_id = "open", None, None
        process.reopened_at, process.reopen_count = now, process.reopen_count + 1
        appeal.service_request, appeal.process_effect = process, "reopened"
    elif auto.rule == "call_continuation":
        open_id = open_service_request_id(session, appeal.client.id)
        if open_id is not None:
            appeal.service_request_id, appeal.process_effect = open_id, "continued"


def _apply_manual(session: Session, appeal: Appeal, draft: AppealDraft, actor_id: int | None,
                  now: datetime) -> None:
    outcome = session.get(AppealOutcome, draft.outcome_id) if draft.outcome_id else None
    category_id = draft.category_id
    if category_id is None and outcome is not None and outcome.is_refusal:
        category_id = outcome.category_id  # the form's refusal list (a request is open) names the outcome only
    category = session.get(AppealCategory, category_id) if category_id else None
    if category is None or not category.show_in_list or category.auto_rule:
        fail_on({"category_id": Message(N_("Choose the category of the appeal."))})
    if outcome is not None and outcome.category_id != category.id:
        fail_on({"outcome_id": Message(N_("This outcome belongs to another category."))})
    if outcome is None and category.outcomes:
        fail_on({"outcome_id": Message(N_("Choose the outcome of the appeal."))})
    appeal.category, appeal.outcome = category, outcome
    if outcome is None:
        return
    open_id = open_service_request_id(session, appeal.client.id)
    if outcome.transition == SERVICE_REQUEST_TRANSITION:
        if open_id is not None:
            appeal.service_request_id, appeal.process_effect = open_id, "continued"
        else:
            process = ServiceRequest(client=appeal.client, status="open", opened_at=now, opened_by_id=actor_id)
            session.add(process)
            appeal.service_request, appeal.process_effect = process, "opened"
    elif outcome.is_refusal and open_id is not None:
        if not appeal.note:
            fail_on({"note": Message(N_("Say why the client refused."))})
        process = session.get(ServiceRequest, open_id)
        _close(process, "refused", actor_id, now, note=appeal.note)
        appeal.service_request, appeal.process_effect = process, "refused"


def _close(process: ServiceRequest, status: str, actor_id: int | None, now: datetime, *, note: str) -> None:
    process.status, process.closed_at, process.closed_by_id = status, now, actor_id
    process.result_note = note.strip()


def close_service_request(session: Session, process_id: int, *, result: str, note: str, actor_id: int | None,
                          clock: Clock, version: int | None = None) -> ServiceRequest:
    """End an open «Обращение в СТО» as done or refused (a refusal needs a note saying why)."""
    process = get_versioned(session, ServiceRequest, process_id, version=version, stale=STALE_PROCESS,
                            missing=N_("This service request does not exist."))
    if process.status != "open":
        raise Conflict(N_("This service request is already closed."))
    if result not in ("done", "refused"):
        fail_on({"result": Message(N_("Choose how the service request ended."))})
    if result == "refused" and not note.strip():
        fail_on({"note": Message(N_("Say why the client refused."))})
    _close(process, result, actor_id, clock.now(), note=note)
    commit_or_conflict(session, STALE_PROCESS)
    return process
