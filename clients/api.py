"""Clients API (SPEC §5.1): search with the workstation's normalisation, create, read, the timeline."""

from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate

from app.api.auth import api_roles
from app.api.blueprint import ApiBlueprint as Blueprint
from app.api.fields import Int32, Str, Text
from app.api.paging import bad_cursor, decode_offset
from app.api.schemas import PageArgsSchema
from app.clock import get_clock
from app.domain.roles import ALL_ROLES
from app.extensions import db
from app.i18n import dealership_timezone, translate
from clients import service
from clients.models import Car, Client, ClientContact
from clients.search import ClientQuery, search_clients
from clients.timeline import client_timeline
from clients.views import EDIT_ROLES, today_bounds

blp = Blueprint("api_clients", __name__, description="Clients and cars")
blp.url_prefix_suffix = "/clients"


MAX_ITEMS = 50  # phones, e-mails or cars given at once


class CarSchema(Schema):
    id = fields.Int(dump_only=True)
    make_model = Text(Car.make_model, required=True)
    vin = Text(Car.vin, load_default="")
    plate = Text(Car.plate, load_default="")
    year = Int32(load_default=None, allow_none=True)


class ClientSchema(Schema):
    id = fields.Int(dump_only=True)
    name = Text(Client.name, required=True)
    kind = fields.Str(load_default="person", validate=validate.OneOf(("person", "company")))
    inn = Text(Client.inn, load_default="")
    discount_card = Text(Client.discount_card, load_default="")
    note = Text(max_length=5000, load_default="")
    phones = fields.List(Text(ClientContact.value), load_default=list, validate=validate.Length(max=MAX_ITEMS))
    emails = fields.List(Text(ClientContact.value), load_default=list, validate=validate.Length(max=MAX_ITEMS))
    cars = fields.List(fields.Nested(CarSchema), load_default=list, validate=validate.Length(max=MAX_ITEMS))


class ClientDetailSchema(ClientSchema):
    manager_id = fields.Int(allow_none=True)
    debt = fields.Str(metadata={"format": "decimal", "description": "owed on open work orders, like \"1500.00\""})
    other_contacts = fields.List(fields.Str())


class ClientPageSchema(Schema):
    items = fields.List(fields.Nested(ClientSchema), required=True)
    next = fields.Str(allow_none=True, required=True)


class SearchArgsSchema(PageArgsSchema):
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))
    q = Str(load_default="", validate=validate.Length(max=200))
    phone = Str(load_default="", validate=validate.Length(max=200))
    car = Str(load_default="", validate=validate.Length(max=200))
    only_mine = fields.Bool(load_default=False)
    new_events = fields.Bool(load_default=False)
    open_orders = fields.Bool(load_default=False)
    reserved_goods = fields.Bool(load_default=False)
    booked_today = fields.Bool(load_default=False)
    on_service = fields.Bool(load_default=False)
    awaiting_pickup = fields.Bool(load_default=False)


class TimelineItemSchema(Schema):
    at = fields.DateTime(required=True)
    kind = fields.Str(required=True)
    summary = fields.Str(required=True)
    document = fields.Dict(allow_none=True)


class TimelinePageSchema(Schema):
    items = fields.List(fields.Nested(TimelineItemSchema), required=True)
    next = fields.Str(allow_none=True, required=True)


def _car(car) -> dict:
    return {"id": car.id, "make_model": car.make_model, "vin": car.vin, "plate": car.plate, "year": car.year}


def _client(client: Client, cars=None) -> dict:
    return {
        "id": client.id, "name": client.name, "kind": client.kind, "inn": client.inn,
        "discount_card": client.discount_card, "note": client.note,
        "phones": [c.display for c in client.phones], "emails": [c.value for c in client.emails],
        "cars": [_car(car) for car in (client.cars if cars is None else cars)],
    }


@blp.route("")
@api_roles(*ALL_ROLES)
@blp.arguments(SearchArgsSchema, location="query")
@blp.response(200, ClientPageSchema)
def search(args):
    """Clients in name order; `q` (name or discount card), `phone` (any contact) and `car` (VIN, body number
    or plate) match partially and combine; the check-box filters of the workstation are booleans."""
    query = ClientQuery(client=args.pop("q"), **{k: v for k, v in args.items() if k not in ("limit", "cursor")})
    try:
        page = search_clients(db.session, query, user_id=g.api_user.id,
                              day=today_bounds(get_clock().now(), dealership_timezone()),
                              limit=args["limit"], cursor=args["cursor"])
    except ValueError:
        bad_cursor()
    return {"items": [_client(row.client, row.cars) for row in page.rows], "next": page.next_cursor}


@blp.route("", methods=["POST"])
@api_roles(*EDIT_ROLES)
@blp.arguments(ClientSchema)
@blp.response(201, ClientDetailSchema)
def create(data):
    """Create a client with contacts and cars; bad values answer 400 with a message per field
    (`phones.0`, `cars.0.vin`, …)."""
    draft = service.ClientDraft(
        name=data["name"], kind=data["kind"], inn=data["inn"], discount_card=data["discount_card"],
        note=data["note"], phones=data["phones"], emails=data["emails"],
        cars=[service.CarDraft(**car) for car in data["cars"]],
    )
    client = service.create_client(db.session, draft, actor_id=g.api_user.id, clock=get_clock())
    return _detail(client)


def _detail(client: Client) -> dict:
    return {**_client(client), "manager_id": client.manager_id,
            "debt": str(service.open_orders_debt(db.session, client.id)),
            "other_contacts": [c.value for c in client.contacts if c.kind == "other"]}


@blp.route("/<int:client_id>")
@api_roles(*ALL_ROLES)
@blp.response(200, ClientDetailSchema)
def read(client_id: int):
    """One client with contacts, cars and the debt on open work orders."""
    return _detail(service.get_client(db.session, client_id))


@blp.route("/<int:client_id>/timeline")
@api_roles(*ALL_ROLES)
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, TimelinePageSchema)
def timeline(args, client_id: int):
    """Everything that happened with the client, newest first (`next` continues further back)."""
    service.get_client(db.session, client_id)
    offset = decode_offset(args["cursor"])
    items = client_timeline(db.session, client_id, limit=args["limit"] + 1, offset=offset)
    more = len(items) > args["limit"]
    return {
        "items": [{"at": item.at, "kind": item.kind, "summary": translate(item.summary),
                   "document": {"type": item.document[0], "id": item.document[1]} if item.document else None}
                  for item in items[: args["limit"]]],
        "next": str(offset + args["limit"]) if more else None,
    }
