"""Incoming traffic (SPEC §3.2, seed 001): register, notify until someone takes it, take (one winner),
attach to a document or ignore with a reason, identify an unknown visitor later; the telephony webhook."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.clock import Clock
from app.contacts import client_contacted
from app.domain.errors import Conflict, NotFound, fail_on
from app.domain.i18n import N_, Message
from app.domain.normalise import phone_key
from app.domain.roles import Role
from app.models.user import User
from app.notifications.models import Notification
from app.notifications.service import notify
from app.services.catalogs import visible_rows
from app.services.regulations import load_regulations
from app.services.users import NO_SUCH_EMPLOYEE, active_employee, active_staff, active_staff_ids
from app.timers.models import ScheduledAction
from app.timers.service import schedule
from catalogs.models import CHANNELS, ContactGoal, IgnoreReason
from clients.models import Car, Client
from clients.search import quick_matches
from clients.service import ClientDraft, add_client, client_by_contact
from documents.kinds import document_models
from traffic.models import DOCUMENT_TYPES, OPEN_STATUSES, Traffic
from traffic.rules import TAKE_ROLES, can_take, department_roles

NOT_A_TAKER = N_("Choose an employee who takes incoming traffic.")


@dataclass
class TrafficDraft:
    channel: str
    goal_id: int | None
    client_id: int | None = None
    description: str = ""
    phone: str = ""
    car_id: int | None = None
    responsible_id: int | None = None
    note: str = ""
    queue: bool = False  # a visitor who waits («В очередь»)



def get_traffic(session: Session, traffic_id: int) -> Traffic:
    row = session.get(Traffic, traffic_id)
    if row is None:
        raise NotFound(N_("This traffic record does not exist."))
    return row


def register(session: Session, draft: TrafficDraft, *, actor_id: int | None, clock: Clock) -> tuple[Traffic, list[int]]:
    """Register a call or a walk-in; notify the chosen employee or every specialist of the goal."""
    problems: dict[str, Message] = {}
    if draft.channel not in CHANNELS:
        problems["channel"] = Message(N_("Choose a call or a visit."))
    goal = session.get(ContactGoal, draft.goal_id) if draft.goal_id else None
    if goal is None or not goal.show_in_list:
        problems["goal_id"] = Message(N_("Choose the goal of the contact."))
    client = session.get(Client, draft.client_id) if draft.client_id else None
    if draft.client_id and client is None:
        problems["client_id"] = Message(N_("The client no longer exists."))
    car = session.get(Car, draft.car_id) if draft.car_id else None
    if draft.car_id and (car is None or client is None or car.client_id != client.id):
        problems["car_id"] = Message(N_("This car belongs to another client."))
    if client is None and not draft.description.strip():
        problems["description"] = Message(N_("Pick the client or describe the visitor."))
    problem = _responsible_problem(session, draft.responsible_id)
    if problem is not None:
        problems["responsible_id"] = problem
    fail_on(problems)
    now = clock.now()
    row = Traffic(channel=draft.channel, goal=goal, client=client, description=draft.description.strip(),
                  phone=draft.phone.strip(), phone_key=phone_key(draft.phone), car_id=draft.car_id,
                  responsible_id=draft.responsible_id, note=draft.note.strip(),
                  status="waiting" if draft.queue else "new", registered_at=now, registered_by_id=actor_id)
    session.add(row)
    session.flush()
    recipients = _announce(session, row, clock)
    client_contacted(session, row.client_id, at=now, source=f"traffic_{row.channel}")  # the leads' cadences stop
    session.commit()
    return row, recipients


def _responsible_problem(session: Session, user_id: int | None) -> Message | None:
    """Why `user_id` cannot be the «Ответственный» of a traffic record (None when they can, or nobody is chosen)."""
    if user_id is None:
        return None
    user = active_employee(session, user_id)
    if user is None:
        return Message(NO_SUCH_EMPLOYEE)
    if not can_take(user.role_codes):
        return Message(NOT_A_TAKER)
    return None


def responsible_choices(session: Session) -> list[User]:
    """The «Ответственный» pick-list: the active employees who take traffic, by name (no admins, no reception)."""
    return active_staff(session, *TAKE_ROLES)


def goal_recipients(session: Session, goal: ContactGoal) -> list[int]:
    """Who is told about a record of `goal` nobody in particular was chosen for: its active specialists, or else
    the active staff of its department's roles, or else everyone who takes traffic — never nobody."""
    specialists = [user.id for user in goal.specialists if user.active]
    return (specialists or active_staff_ids(session, *department_roles(goal.department))
            or active_staff_ids(session, *TAKE_ROLES))


def goals_without_specialists(session: Session) -> list[ContactGoal]:
    """The visible goals without an active specialist (the reception panel warns about them)."""
    return [goal for goal in visible_rows(session, ContactGoal) if not any(user.active for user in goal.specialists)]


def _announce(session: Session, row: Traffic, clock: Clock) -> list[int]:
    """Tell the chosen employee, or every active specialist of the goal (its department's staff when it has
    none); escalate later if nobody takes it."""
    goal, client = row.goal, row.client
    recipients = [row.responsible_id] if row.responsible_id else goal_recipients(session, goal)
    notify(session, recipients, kind="traffic", clock=clock, target=("traffic", row.id), key=f"traffic:{row.id}",
           message=Message(N_("%(channel)s: %(goal)s — %(who)s"), {
               "channel": Message(N_("Call") if row.channel == "call" else N_("Visitor")), "goal": goal.name,
               "who": client.name if client else (row.description or row.phone)}))
    regs = load_regulations(session)
    schedule(session, kind="traffic_escalation", target_id=row.id, clock=clock, key=f"escalate:{row.id}",
             due_at=clock.now() + timedelta(minutes=regs.traffic_escalation_minutes))
    return recipients


def route_call(session: Session, traffic_id: int, *, goal_id: int | None, responsible_id: int | None,
               description: str = "", note: str = "", actor_id: int | None, clock: Clock) -> tuple[Traffic, list[int]]:
    """Reception completes a call the PBX reported without a goal, then it is announced as if registered."""
    row = get_traffic(session, traffic_id)
    if row.goal_id is not None or row.status not in OPEN_STATUSES:
        raise Conflict(N_("This call has already been routed."))
    goal = session.get(ContactGoal, goal_id) if goal_id else None
    if goal is None or not goal.show_in_list:
        fail_on({"goal_id": Message(N_("Choose the goal of the contact."))})
    problem = _responsible_problem(session, responsible_id)
    if problem is not None:
        fail_on({"responsible_id": problem})
    row.goal, row.responsible_id = goal, responsible_id
    row.registered_by_id = row.registered_by_id or actor_id  # the operator who routed it, for the journal
    if description.strip():
        row.description = description.strip()
    if note.strip():
        row.note = note.strip()
    session.flush()
    recipients = _announce(session, row, clock)
    session.commit()
    return row, recipients


def take(session: Session, traffic_id: int, *, user_id: int, clock: Clock) -> Traffic:
    """«Взять в работу»: exactly one employee wins, even when several click at once (compare-and-set)."""
    now = clock.now()
    won = session.execute(
        update(Traffic).where(Traffic.id == traffic_id, Traffic.status.in_(OPEN_STATUSES),
                              Traffic.taken_by_id.is_(None))
        .values(status="in_processing", taken_by_id=user_id, taken_at=now, version=Traffic.version + 1)
        .execution_options(synchronize_session=False))
    if won.rowcount != 1:
        session.rollback()
        row = get_traffic(session, traffic_id)
        taker = row.taken_by
        raise Conflict(N_("Already taken by %(user)s."), user=str(taker) if taker else "—")
    session.add(AuditEntry(at=now, actor_id=user_id, entity="traffic", entity_id=traffic_id,
                           entity_label=f"ТР-{traffic_id:06d}", action="update",
                           changes={"status": ["new", "in_processing"], "taken_by_id": [None, user_id]}))
    session.execute(update(Notification).where(Notification.target_type == "traffic",
                                               Notification.target_id == traffic_id, Notification.read_at.is_(None))
                    .values(read_at=now).execution_options(synchronize_session=False))
    session.commit()
    row = get_traffic(session, traffic_id)
    session.refresh(row)
    return row


def _owned(session: Session, traffic_id: int, user_id: int) -> Traffic:
    row = get_traffic(session, traffic_id)
    if row.status in ("processed", "ignored"):
        raise Conflict(N_("This traffic is already processed."))
    if row.status != "in_processing":
        raise Conflict(N_("Take the traffic first."))
    if row.taken_by_id != user_id:
        raise Conflict(N_("Already taken by %(user)s."), user=str(row.taken_by))
    return row


def attached_document(session: Session, row: Traffic):
    if not row.document_type:
        return None
    return session.get(document_models()[row.document_type], row.document_id)


def attach(session: Session, traffic_id: int, *, document_type: str, document_id: int, user_id: int,
           clock: Clock) -> Traffic:
    """Attach to an existing document of the same client; the traffic becomes processed."""
    row = attach_without_commit(session, traffic_id, document_type=document_type, document_id=document_id,
                                user_id=user_id, clock=clock)
    session.commit()
    return row


def attach_without_commit(session: Session, traffic_id: int, *, document_type: str, document_id: int, user_id: int,
                          clock: Clock) -> Traffic:
    """`attach`, flushed but not committed: a document created from the card commits both at once."""
    row = _owned(session, traffic_id, user_id)
    if document_type not in DOCUMENT_TYPES:
        fail_on({"document_type": Message(N_("Choose the kind of document."))})
    document = session.get(document_models()[document_type], document_id)
    if document is None:
        fail_on({"document_id": Message(N_("The document does not exist."))})
    if row.client_id is None:
        row.client_id = document.client_id  # the unknown visitor is identified by their document
        client_contacted(session, row.client_id, at=row.registered_at, source=f"traffic_{row.channel}")
    elif document.client_id != row.client_id:
        fail_on({"document_id": Message(N_("The document belongs to another client."))})
    row.document_type, row.document_id = document_type, document_id
    row.status, row.processed_at = "processed", clock.now()
    session.flush()
    return row


def ignore(session: Session, traffic_id: int, *, reason_id: int | None, comment: str, user_id: int,
           clock: Clock) -> Traffic:
    row = _owned(session, traffic_id, user_id)
    reason = session.get(IgnoreReason, reason_id) if reason_id else None
    if reason is None:
        fail_on({"reason_id": Message(N_("Choose why the traffic is ignored."))})
    if reason.requires_comment and not comment.strip():
        fail_on({"comment": Message(N_("This reason needs a comment."))})
    row.ignore_reason, row.ignore_comment = reason, comment.strip()
    row.status, row.processed_at = "ignored", clock.now()
    session.commit()
    return row


def client_documents(session: Session, client_id: int, *, per_kind: int = 10) -> list[tuple[str, object]]:
    """The client's recent documents a traffic record can be attached to: (document type, document)."""
    found = []
    for kind, model in document_models().items():
        rows = session.scalars(select(model).where(model.client_id == client_id).order_by(model.id.desc())
                               .limit(per_kind))
        found.extend((kind, row) for row in rows)
    return found


DOCUMENT_NUMBER = re.compile(r"^(?:([A-Za-zА-Яа-яЁё]{2})\s*-?\s*)?0*(\d{1,9})$")


def find_documents(session: Session, term: str, *, limit: int = 20) -> list[tuple[str, object]]:
    """The general document journal's search for attaching a traffic record (seed 001 §2.2, 2.5): a number
    («ЗН-000042», «000042», «42») finds that document of every kind (of one kind with its prefix); anything
    else is a client's name, phone or card, and finds that client's recent documents."""
    term = (term or "").strip()[:100]
    if not term:
        return []
    models = document_models()
    number = DOCUMENT_NUMBER.match(term)
    if number:
        prefix, digits = (number.group(1) or "").upper(), int(number.group(2))
        return [(kind, row) for kind, model in models.items()
                if not prefix or model.number_prefix == prefix
                for row in session.scalars(select(model).where(model.id == digits))]
    clients = [client.id for client in quick_matches(session, term, limit=10)]
    if not clients:
        return []
    found: list[tuple[str, object]] = []
    for kind, model in models.items():
        rows = session.scalars(select(model).where(model.client_id.in_(clients)).order_by(model.id.desc())
                               .limit(limit))
        found.extend((kind, row) for row in rows)
    return sorted(found, key=lambda pair: pair[1].created_at, reverse=True)[:limit]


def client_from_traffic(session: Session, traffic_id: int, draft: ClientDraft, *, actor_id: int | None,
                        clock: Clock) -> tuple[Traffic, Client]:
    """«Новый клиент» from an unknown caller's or visitor's record: the client is created and the record
    identified by them, in one transaction."""
    row = get_traffic(session, traffic_id)
    if row.client_id is not None:
        raise Conflict(N_("This traffic is already linked to a client."))
    client = add_client(session, draft, actor_id=actor_id, clock=clock)
    row.client = client
    session.flush()
    client_contacted(session, client.id, at=row.registered_at, source=f"traffic_{row.channel}")
    session.commit()
    return row, client


def identify(session: Session, traffic_id: int, client_id: int) -> Traffic:
    """Link a client to a visitor who did not introduce themselves."""
    row = get_traffic(session, traffic_id)
    client = session.get(Client, client_id)
    if client is None:
        fail_on({"client_id": Message(N_("The client no longer exists."))})
    row.client = client
    client_contacted(session, client.id, at=row.registered_at, source=f"traffic_{row.channel}")
    session.commit()
    return row


def register_call(session: Session, *, call_id: str, caller: str, line: str = "", started_at: datetime | None = None,
                  recording_url: str = "", clock: Clock) -> tuple[Traffic, bool]:
    """Telephony webhook: a call traffic record per `call_id` (idempotent). Returns (record, created)."""
    existing = session.scalar(select(Traffic).where(Traffic.call_id == call_id))
    if existing is not None:
        if recording_url and not existing.recording_url:
            existing.recording_url = recording_url  # PBXs often send the recording in a later request
            session.commit()
        return existing, False
    client = client_by_contact(session, "phone", caller)
    row = Traffic(channel="call", call_id=call_id, phone=caller.strip(), phone_key=phone_key(caller), client=client,
                  line=line.strip(), recording_url=recording_url.strip(), status="new",
                  registered_at=started_at or clock.now())
    session.add(row)
    try:
        if client is not None:
            session.flush()
            client_contacted(session, client.id, at=row.registered_at, source="traffic_call")
        session.commit()
    except IntegrityError:
        session.rollback()  # the same call_id arrived twice at once: the other request created it
        return session.scalar(select(Traffic).where(Traffic.call_id == call_id)), False
    return row, True


def _escalate(session: Session, action: ScheduledAction, clock: Clock) -> None:
    """Untaken after the escalation delay: every supervisor is told."""

    row = session.get(Traffic, action.target_id)
    if row is None or row.status not in OPEN_STATUSES:
        return
    supervisors = active_staff_ids(session, Role.SUPERVISOR)
    row.escalated_at = clock.now()
    notify(session, supervisors, kind="traffic_escalation", clock=clock, target=("traffic", row.id),
           key=action.idempotency_key, message=Message(
               N_("Nobody has taken %(number)s (%(goal)s) for %(minutes)s minutes."),
               {"number": row.number, "goal": row.goal.name if row.goal else "—",
                "minutes": int((clock.now() - row.registered_at).total_seconds() // 60)}))


TIMER_HANDLERS = {"traffic_escalation": _escalate}
