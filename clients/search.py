"""Find clients and cars: three combinable partial-match fields and seven check-box filters.

Every field is normalised exactly as the stored keys are (app/domain/normalise.py). Needles of three
characters or more use the trigram index of the database (pg_trgm GIN / FTS5 trigram); shorter ones
fall back to a prefix range on the key's B-tree. `%`, `_` and `\\` in input are literal everywhere.
A page is one statement for the clients plus one each for their contacts and cars, whatever its size,
and is cut by a keyset cursor, so nothing counts the whole table.
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    any_,
    column,
    false,
    func,
    or_,
    select,
    text,
    true,
    tuple_,
    union,
)
from sqlalchemy.orm import Session, selectinload

from app.domain.input_limits import INT32_MAX
from app.domain.normalise import card_key, name_key, phone_query_keys, vehicle_key
from app.registry import add_once
from clients.models import Car, Client, ClientContact, ClientEvent

TRIGRAM = 3
_PREFIX_END = "\U0010ffff"
FTS_TABLES = {"client": "client_fts", "client_contact": "client_contact_fts", "car": "car_fts"}
_param_ids = itertools.count()
# The check-boxes answered by the wings that own the documents (`add_client_filters`).
DOCUMENT_FLAGS = ("open_orders", "reserved_goods", "booked_today", "on_service", "awaiting_pickup")
DayFilter = Callable[[tuple[datetime, datetime]], Select]  # the day (start, end) -> a select of client ids
OwnedBy = Callable[[int], Select]  # a user id -> a select of the ids of clients whose documents they hold


def add_client_filters(app: Flask, filters: dict[str, DayFilter]) -> None:
    """A wing answers some of the document check-boxes of the search."""
    unknown = set(filters) - set(DOCUMENT_FLAGS)
    if unknown:
        raise ValueError(f"not a client search filter: {', '.join(sorted(unknown))}")
    add_once(app.extensions.setdefault("client_filters", {}), filters, what="client filter")


def add_client_owners(app: Flask, *owned_by: OwnedBy) -> None:
    """A wing's documents count for «мои клиенты»: those the user wrote or manages."""
    app.extensions.setdefault("client_owners", []).extend(owned_by)


@dataclass(frozen=True)
class ClientQuery:
    client: str = ""
    phone: str = ""
    car: str = ""
    only_mine: bool = False
    new_events: bool = False
    open_orders: bool = False
    reserved_goods: bool = False
    booked_today: bool = False
    on_service: bool = False
    awaiting_pickup: bool = False

    @classmethod
    def from_mapping(cls, values) -> ClientQuery:
        kwargs = {}
        for f in fields(cls):
            raw = values.get(f.name)
            if f.type == "str":
                kwargs[f.name] = (raw or "").strip()[:200]
            else:
                kwargs[f.name] = str(raw).lower() in ("1", "true", "on", "yes", "y")
        return cls(**kwargs)

    def is_blank(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class ResultRow:
    client: Client
    cars: list[Car]


@dataclass(frozen=True)
class ResultPage:
    rows: list[ResultRow]
    next_cursor: str | None


def encode_cursor(client: Client) -> str:
    return base64.urlsafe_b64encode(json.dumps([client.name_key, client.id]).encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[str, int] | None:
    if not cursor:
        return None
    try:
        key, client_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, RecursionError):
        raise ValueError("bad cursor") from None
    if not isinstance(key, str) or "\x00" in key or not isinstance(client_id, int) \
            or not 0 <= client_id <= INT32_MAX:
        raise ValueError("bad cursor")  # a forged cursor never reaches the database
    return key, client_id


class KeyMatcher:
    """Builds "this key column contains one of these needles" for the session's database."""

    def __init__(self, session: Session) -> None:
        self.dialect = session.get_bind().dialect.name

    def contains(self, model, key_columns: dict[str, list[str]]) -> ColumnElement[bool]:
        """`key_columns`: column name → needles (already normalised). Rows of `model` matching any."""
        conditions: list[ColumnElement[bool]] = []
        trigram: dict[str, list[str]] = {}
        for name, needles in key_columns.items():
            for needle in dict.fromkeys(n for n in needles if n):
                if len(needle) >= TRIGRAM:
                    trigram.setdefault(name, []).append(needle)
                else:
                    key = getattr(model, name)
                    conditions.append((key >= needle) & (key < needle + _PREFIX_END))
        if trigram:
            conditions.append(self._substring(model, trigram))
        return or_(*conditions) if conditions else false()

    def client_in(self, client_ids: Select) -> ColumnElement[bool]:
        """Client.id among the ids a contact/car match yields, evaluated first.

        PostgreSQL misjudges how many rows `LIKE '%4567%'` keeps and may walk the whole name index
        hoping to fill the page early; `= ANY(ARRAY(subquery))` makes it run the (indexed) match once
        and fetch the few clients by primary key."""
        if self.dialect == "postgresql":
            return Client.id == any_(func.array(client_ids.scalar_subquery()))
        return Client.id.in_(client_ids)

    def _substring(self, model, trigram: dict[str, list[str]]) -> ColumnElement[bool]:
        if self.dialect != "sqlite":
            return or_(*(getattr(model, name).contains(needle, autoescape=True)
                         for name, needles in trigram.items() for needle in needles))
        fts = FTS_TABLES[model.__tablename__]
        phrases = " OR ".join(
            f'({name} : "{needle.replace(chr(34), chr(34) * 2)}")'
            for name, needles in trigram.items() for needle in needles
        )
        param = f"fts_{next(_param_ids)}"
        matches = text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :{param}").bindparams(
            **{param: phrases}).columns(column("rowid", Integer))
        return model.id.in_(matches)


def client_needles(text_value: str) -> dict[str, list[str]]:
    """Name, and the discount card when the input could be one (cards always carry digits)."""
    needles = {"name_key": [name_key(text_value)]}
    card = card_key(text_value)
    if any(ch.isdigit() for ch in card):
        needles["card_key"] = [card]
    return needles


def phone_needles(text_value: str) -> tuple[str, list[str]]:
    """("phone", digit keys) for a number, or ("text", [key]) for an e-mail or another contact."""
    if any(ch.isalpha() or ch == "@" for ch in text_value):
        return "text", [name_key(text_value)]
    return "phone", phone_query_keys(text_value)


def car_needle(text_value: str) -> str:
    return vehicle_key(text_value)


def car_matches(car: Car, needle: str) -> bool:
    if len(needle) < TRIGRAM:
        return car.vin_key.startswith(needle) or car.plate_key.startswith(needle)
    return needle in car.vin_key or needle in car.plate_key


def client_conditions(session: Session, query: ClientQuery, *, user_id: int | None,
                      day: tuple[datetime, datetime]) -> list[ColumnElement[bool]]:
    """WHERE conditions on Client for the fields and check boxes of `query`."""
    matcher = KeyMatcher(session)
    where: list[ColumnElement[bool]] = []
    if query.client:
        where.append(matcher.contains(Client, client_needles(query.client)))
    if query.phone:
        _kind, needles = phone_needles(query.phone)
        contacts = select(ClientContact.client_id).where(matcher.contains(ClientContact, {"value_key": needles}))
        where.append(matcher.client_in(contacts))
    if query.car:
        needle = car_needle(query.car)
        cars = select(Car.client_id).where(matcher.contains(Car, {"vin_key": [needle], "plate_key": [needle]}))
        where.append(matcher.client_in(cars))
    if query.only_mine:
        where.append(_mine(user_id))
    if query.new_events:
        where.append(Client.id.in_(select(ClientEvent.client_id).where(ClientEvent.status == "new")))
    filters = current_app.extensions.get("client_filters", {})
    for flag in DOCUMENT_FLAGS:
        if getattr(query, flag):
            client_ids = filters.get(flag)  # a wing not installed: its filter matches nobody
            where.append(Client.id.in_(client_ids(day)) if client_ids is not None else false())
    return where


def _mine(user_id: int | None) -> ColumnElement[bool]:
    """The user manages the client, or is the author or manager of one of the client's documents."""
    if user_id is None:
        return false()
    owners = current_app.extensions.get("client_owners", [])
    documents = union(
        *(owned(user_id) for owned in owners),
        select(ClientEvent.client_id).where(
            or_(ClientEvent.author_id == user_id, ClientEvent.responsible_id == user_id)),
    )
    return or_(Client.manager_id == user_id, Client.id.in_(documents))


def search_statement(session: Session, query: ClientQuery, *, user_id: int | None, day: tuple[datetime, datetime],
                     limit: int = 50, cursor: str | None = None) -> Select:
    """The SELECT of one page (limit + 1 rows, to know whether another page follows)."""
    where = client_conditions(session, query, user_id=user_id, day=day)
    after = decode_cursor(cursor)
    if after is not None:
        where.append(tuple_(Client.name_key, Client.id) > tuple_(*after))
    return select(Client).where(true(), *where).order_by(Client.name_key, Client.id).limit(limit + 1)


def search_clients(session: Session, query: ClientQuery, *, user_id: int | None, day: tuple[datetime, datetime],
                   limit: int = 50, cursor: str | None = None) -> ResultPage:
    """One page of clients in name order, each with its cars (only the matching ones when a car is sought)."""
    statement = search_statement(session, query, user_id=user_id, day=day, limit=limit, cursor=cursor).options(
        selectinload(Client.contacts), selectinload(Client.cars))
    clients = list(session.scalars(statement))
    more = len(clients) > limit
    clients = clients[:limit]
    needle = car_needle(query.car) if query.car else ""
    rows = [ResultRow(c, [car for car in c.cars if not needle or car_matches(car, needle)]) for c in clients]
    return ResultPage(rows, encode_cursor(clients[-1]) if more else None)


def quick_matches(session: Session, term: str, *, limit: int = 20, offset: int = 0) -> list[Client]:
    """Pickers and search-as-you-type: clients by phone (three digits or more), else by name or card."""
    term = (term or "").strip()[:100]
    if not term:
        return []
    matcher = KeyMatcher(session)
    kind, needles = phone_needles(term)
    if kind == "phone" and sum(ch.isdigit() for ch in term) >= TRIGRAM:
        where = matcher.client_in(select(ClientContact.client_id).where(
            matcher.contains(ClientContact, {"value_key": needles})))
    else:
        where = matcher.contains(Client, client_needles(term))
    return list(session.scalars(select(Client).where(where).order_by(Client.name_key, Client.id)
                                .offset(offset).limit(limit)))
