"""Clients, contact details, cars and events: validated writes (rules in clients/rules.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from email.utils import parseaddr

from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import Clock
from app.domain.errors import Conflict, NotFound, ValidationFailed, fail_on
from app.domain.i18n import N_, Message
from app.domain.normalise import contact_key, phone_key
from app.services.persistence import commit_or_conflict
from clients.models import EVENT_KINDS, Car, Client, ClientContact, ClientEvent
from clients.rules import car_problems, client_problems, contact_problem

log = logging.getLogger(__name__)


@dataclass
class CarDraft:
    make_model: str
    vin: str = ""
    plate: str = ""
    year: int | None = None


@dataclass
class ClientDraft:
    name: str
    kind: str = "person"
    inn: str = ""
    discount_card: str = ""
    note: str = ""
    contact_person: str = ""
    manager_id: int | None = None
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    cars: list[CarDraft] = field(default_factory=list)



def draft_problems(draft: ClientDraft, *, this_year: int) -> dict[str, Message]:
    """Every problem of a new client, keyed by field (`phones.0`, `cars.1.vin`, …)."""
    problems = dict(client_problems(name=draft.name, kind=draft.kind, inn=draft.inn,
                                    contact_person=draft.contact_person))
    for kind, values in (("phone", draft.phones), ("email", draft.emails)):
        for index, value in enumerate(values):
            problem = contact_problem(kind, value)
            if problem is not None:
                problems[f"{kind}s.{index}"] = problem
    for index, car in enumerate(draft.cars):
        for name, problem in car_problems(make_model=car.make_model, vin=car.vin, plate=car.plate, year=car.year,
                                          this_year=this_year).items():
            problems[f"cars.{index}.{name}"] = problem
    return problems


def create_client(session: Session, draft: ClientDraft, *, actor_id: int | None, clock: Clock) -> Client:
    client = add_client(session, draft, actor_id=actor_id, clock=clock)
    session.commit()
    return client


def add_client(session: Session, draft: ClientDraft, *, actor_id: int | None, clock: Clock) -> Client:
    """`create_client` without the commit: a use case that makes a client as one step of its own (a traffic's
    unknown caller becoming a client) commits both at once."""
    now = clock.now()
    fail_on(draft_problems(draft, this_year=now.year))
    client = Client(name=draft.name.strip(), kind=draft.kind, inn=draft.inn.strip(),
                    contact_person=draft.contact_person.strip(),
                    discount_card=draft.discount_card.strip(), note=draft.note, manager_id=draft.manager_id,
                    created_at=now, created_by_id=actor_id)
    for index, phone in enumerate(draft.phones):
        client.contacts.append(ClientContact(kind="phone", value=phone.strip(), is_main=index == 0))
    for email in draft.emails:
        client.contacts.append(ClientContact(kind="email", value=email.strip()))
    session.add(client)
    for car in draft.cars:
        session.add(Car(client=client, make_model=car.make_model.strip(), vin=car.vin.strip(),
                        plate=car.plate.strip(), year=car.year, created_at=now))
    session.flush()
    return client


def get_client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(N_("The client no longer exists."))
    return client


def update_client(session: Session, client_id: int, *, expected_version: int, name: str, kind: str, inn: str,
                  discount_card: str, note: str, manager_id: int | None, contact_person: str | None = None) -> Client:
    client = get_client(session, client_id)
    fail_on(client_problems(name=name, kind=kind, inn=inn, contact_person=contact_person or ""))
    if client.version != expected_version:
        raise Conflict(N_("Someone else has just changed this client. Reload the card and repeat your change."))
    client.name, client.kind, client.inn = name.strip(), kind, inn.strip()
    client.discount_card, client.note, client.manager_id = discount_card.strip(), note, manager_id
    if contact_person is not None:
        client.contact_person = contact_person.strip()
    session.commit()
    return client


def duplicate_owners(session: Session, kind: str, value: str, *, except_client_id: int) -> list[Client]:
    """Other clients who already have this phone / e-mail (a warning, not an error: families share phones)."""
    key = contact_key(kind, value)
    if not key:
        return []
    return list(session.scalars(
        select(Client).join(ClientContact).where(ClientContact.value_key == key, ClientContact.kind == kind,
                                                 Client.id != except_client_id).distinct().limit(5)))


def _check_contact(session: Session, client: Client, kind: str, value: str, *, field_name: str,
                   except_contact_id: int | None = None) -> None:
    problem = contact_problem(kind, value)
    if problem is None:
        key = contact_key(kind, value)
        if any(c.value_key == key and c.kind == kind and c.id != except_contact_id for c in client.contacts):
            problem = Message(N_("The client already has this contact detail."))
    if problem is not None:
        raise ValidationFailed(problem.text, fields={field_name: problem}, **problem.params)


def add_contact(session: Session, client_id: int, kind: str, value: str, *, comment: str = "",
                make_main: bool = False) -> ClientContact:
    client = get_client(session, client_id)
    _check_contact(session, client, kind, value, field_name="value")
    has_main = any(c.is_main and c.kind == kind for c in client.contacts)
    contact = ClientContact(client=client, kind=kind, value=value.strip(), comment=comment.strip(),
                            is_main=make_main or (kind == "phone" and not has_main))
    session.add(contact)
    if contact.is_main:
        for other in client.contacts:
            if other is not contact and other.kind == kind:
                other.is_main = False
    session.commit()
    return contact


def update_contact(session: Session, contact_id: int, value: str, *, expected_version: int,
                   comment: str | None = None) -> ClientContact:
    """Edit one contact detail in place; refused if someone changed it since the form was shown."""
    contact = session.get(ClientContact, contact_id)
    if contact is None:
        raise NotFound(N_("This contact detail has been deleted meanwhile."))
    _check_contact(session, contact.client, contact.kind, value, field_name=f"contact-{contact_id}",
                   except_contact_id=contact_id)
    if contact.version != expected_version:
        raise Conflict(STALE_CONTACT)
    contact.value = value.strip()
    if comment is not None:
        contact.comment = comment.strip()
    # UPDATE … WHERE version = expected: a concurrent save makes it match no row
    commit_or_conflict(session, STALE_CONTACT)
    return contact


STALE_CONTACT = N_("Someone else has just changed this contact detail. Reload the card and repeat your change.")


def delete_contact(session: Session, contact_id: int) -> None:
    contact = session.get(ClientContact, contact_id)
    if contact is not None:
        session.delete(contact)
        session.commit()


def add_car(session: Session, client_id: int, draft: CarDraft, *, clock: Clock) -> Car:
    client = get_client(session, client_id)
    fail_on(car_problems(make_model=draft.make_model, vin=draft.vin, plate=draft.plate, year=draft.year,
                       this_year=clock.now().year))
    car = Car(client=client, make_model=draft.make_model.strip(), vin=draft.vin.strip(), plate=draft.plate.strip(),
              year=draft.year, created_at=clock.now())
    session.add(car)
    session.commit()
    return car


def register_event(session: Session, client_id: int, *, kind: str, summary: str, actor_id: int | None,
                   responsible_id: int | None, clock: Clock, done: bool = False) -> ClientEvent:
    """Register a contact with the client («Регистрация контакта»); open (`new`) unless `done`."""
    get_client(session, client_id)
    problems: dict[str, Message] = {}
    if kind not in EVENT_KINDS:
        problems["kind"] = Message(N_("Choose how the client got in touch."))
    if not summary.strip():
        problems["summary"] = Message(N_("Describe the contact in a few words."))
    fail_on(problems)
    now = clock.now()
    event = ClientEvent(client_id=client_id, kind=kind, summary=summary.strip(), at=now, author_id=actor_id,
                        responsible_id=responsible_id, status="done" if done else "new",
                        done_at=now if done else None)
    session.add(event)
    session.commit()
    return event


def complete_event(session: Session, event_id: int, *, clock: Clock) -> bool:
    """Mark an event processed; False if it already was (two people clicking: one wins)."""
    changed = session.execute(
        update(ClientEvent).where(ClientEvent.id == event_id, ClientEvent.status == "new")
        .values(status="done", done_at=clock.now()).execution_options(synchronize_session=False))
    session.commit()
    return changed.rowcount == 1


def open_orders_debt(session: Session, client_id: int) -> Decimal:
    """What the client still owes (the documents wing answers: work orders not closed); 0 without it."""
    debts = current_app.extensions.get("client_debts", [])
    return sum((debt(session, client_id) for debt in debts), Decimal("0")).quantize(Decimal("0.01"))


def add_client_debt(app: Flask, debt: Callable[[Session, int], Decimal]) -> None:
    app.extensions.setdefault("client_debts", []).append(debt)


def client_by_contact(session: Session, kind: str, value: str) -> Client | None:
    """The one client whose contacts hold this phone or e-mail address (none when unknown or shared by several).
    An e-mail may come as «Name <address>»."""
    if kind == "phone":
        key = phone_key(value)
        if len(key) < 10:
            return None
    else:
        key = contact_key("email", parseaddr(value)[1] or value)
        if not key:
            return None
    ids = list(session.scalars(select(ClientContact.client_id).where(
        ClientContact.kind == kind, ClientContact.value_key == key).distinct().limit(2)))
    return session.get(Client, ids[0]) if len(ids) == 1 else None
