"""Flask-Admin views of the client's documents: list, create (from the client card), edit.

The client and car pickers search through the same normalised keys as the workstation; a car must
belong to the chosen client; times are entered in the dealership's zone.
"""

from __future__ import annotations

from flask import flash, g, request
from flask_admin.model.form import InlineFormAdmin
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields import SelectField
from wtforms.validators import ValidationError

from app.admin.base import StaffModelView
from app.admin.fields import LocalDateTimeField
from app.admin.filters import day_filters
from app.admin.menu import DOCUMENTS, MenuEntry
from app.admin.search import LiteralAjaxModelLoader
from app.clock import get_clock
from app.domain.errors import DomainError
from app.domain.roles import Role
from app.i18n import format_local, label_of, translate
from app.services.users import active_staff
from clients.models import Car, Client
from clients.search import KeyMatcher, car_needle, quick_matches
from documents import service as documents
from documents.kinds import document_listeners
from documents.labels import (
    RESERVATION_STATUS_LABELS,
    WORK_ORDER_STATE_LABELS,
    WORK_SHEET_STATUS_LABELS,
)
from documents.models import PartsReservation, RepairVisit, WorkOrder, WorkOrderLine, WorkSheet

SERVICE = frozenset({Role.SERVICE_ADVISOR, Role.SERVICE_ADMIN, Role.ADMIN})
PICKER_LIMIT = 20


class ClientLoader(LiteralAjaxModelLoader):
    """Find a client by name, discount card or phone, through the search indexes."""

    def __init__(self, name, session):
        super().__init__(name, session, Client, fields=["name"], placeholder=_l("Name, phone or discount card"),
                         minimum_input_length=2)

    def format(self, model):
        if not model:
            return None
        phone = model.main_phone
        return model.id, f"{model.name} ({phone.display})" if phone else model.name

    def get_list(self, term, offset=0, limit=PICKER_LIMIT):
        session = self.session.session if hasattr(self.session, "session") else self.session
        return quick_matches(session, term, limit=limit, offset=offset)


class CarLoader(LiteralAjaxModelLoader):
    """Find a car by plate, VIN or body number (either alphabet)."""

    def __init__(self, name, session):
        super().__init__(name, session, Car, fields=["plate"], placeholder=_l("Plate, VIN or body number"),
                         minimum_input_length=2)

    def format(self, model):
        if not model:
            return None
        return model.id, f"{model} — {model.client.name}"

    def get_list(self, term, offset=0, limit=PICKER_LIMIT):
        session = self.session.session if hasattr(self.session, "session") else self.session
        needle = car_needle(term or "")
        if not needle:
            return []
        where = KeyMatcher(session).contains(Car, {"vin_key": [needle], "plate_key": [needle]})
        return list(session.scalars(select(Car).where(where).order_by(Car.id).offset(offset).limit(limit)))


def _active_users():
    from app.extensions import db

    return active_staff(db.session)


def _choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(code, _l(label)) for code, label in labels.items()]


def labelled(labels: dict[str, str], attribute: str):
    return lambda v, c, m, n: label_of(labels, getattr(m, attribute))


class DocumentView(StaffModelView):
    """Common to every document: pickers, numbering, the client prefilled from the card, list without COUNT."""

    can_view_details = False
    simple_list_pager = True
    column_default_sort = ("id", True)
    column_filters: tuple = ()
    form_excluded_columns = ("created_at", "created_by", "version")
    user_fields: tuple[str, ...] = ()
    when_field = "created_at"
    document_kind: str | None = None  # the kind a record (a traffic card) attaches to, if any
    column_labels = {
        "number": _l("No."), "client": _l("Client"), "car": _l("Car"), "note": _l("Note"),
        "created_at": _l("Created"), "advisor": _l("Advisor"), "manager": _l("Manager"),
        "start_at": _l("Start"), "end_at": _l("End"), "status": _l("Status"), "state": _l("State"),
        "opened_at": _l("Opened"), "closed_at": _l("Closed"), "total": _l("Total"), "paid": _l("Paid"),
        "arrived_at": _l("Arrived"), "mileage": _l("Mileage, km"), "work_order": _l("Work order"),
        "interest": _l("Interest"), "part_number": _l("Part number"), "part_name": _l("Part"),
        "quantity": _l("Quantity"), "reserved_until": _l("Reserved until"), "lines": _l("Works"),
    }

    def more_ajax_refs(self, session) -> dict:
        """Pickers besides the client and the car that search as one types (they must exist before the form)."""
        return {}

    @property
    def can_create(self):
        return self.can_write()

    @property
    def can_edit(self):
        return self.can_write()

    @property
    def can_delete(self):
        return False  # documents are history: cancel or close them instead

    def __init__(self, model, session, **kwargs):
        self.form_ajax_refs = {"client": ClientLoader("client", session), "car": CarLoader("car", session),
                               **self.more_ajax_refs(session)}
        self.column_formatters = {
            "number": lambda v, c, m, n: m.number,
            "client": lambda v, c, m, n: m.client.name,
            "car": lambda v, c, m, n: str(m.car) if m.car else "",
            **{name: (lambda attr: lambda v, c, m, n: format_local(getattr(m, attr)))(name)
               for name in ("created_at", "start_at", "end_at", "opened_at", "closed_at", "arrived_at",
                            "reserved_until")},
            **getattr(self, "extra_formatters", {}),
        }
        super().__init__(model, session, **kwargs)

    def get_query(self):
        from sqlalchemy.orm import joinedload

        return super().get_query().options(joinedload(self.model.client), joinedload(self.model.car))

    def scaffold_form(self):
        form_class = super().scaffold_form()
        for name in self.user_fields:
            from flask_admin.contrib.sqla.fields import QuerySelectField

            setattr(form_class, name, QuerySelectField(
                self.column_labels.get(name, name), query_factory=_active_users, allow_blank=True, blank_text="—"))
        return form_class

    def create_form(self, obj=None):
        form = super().create_form(obj)
        client_id = request.args.get("client_id", type=int)
        if request.method == "GET" and client_id:
            client = self.db_session.get(Client, client_id)
            if client is not None:
                form.client.data = client
                noted_car = self._origin_car(client)
                if noted_car is not None:
                    form.car.data = noted_car
                elif len(client.cars) == 1:
                    form.car.data = client.cars[0]
                for name in self.user_fields:
                    getattr(form, name).data = current_user._get_current_object()
        return form

    def _origin_car(self, client):
        """The car noted on the record this document is created from (reception notes it on a traffic card)."""
        for origin, origin_id in self._origins():
            car = origin.car_for(self.db_session, origin_id, client)
            if car is not None:
                return car
        return None

    def _origins(self):
        from documents.origins import document_origins

        if self.document_kind is None:
            return []
        return [(origin, request.args.get(origin.param, type=int)) for origin in document_origins()
                if request.args.get(origin.param, type=int)]

    def validate_form(self, form):
        valid = super().validate_form(form)
        if not valid or not hasattr(form, "client"):
            return valid
        if form.client.data is None:
            form.client.errors = [*form.client.errors, gettext("Choose the client.")]
            return False
        car = getattr(form, "car", None)
        if car is not None and car.data is not None and car.data.client_id != form.client.data.id:
            car.errors = [*car.errors, gettext("This car belongs to another client.")]
            return False
        return self.validate_document(form)

    def validate_document(self, form) -> bool:
        return True

    def on_model_change(self, form, model, is_created):
        """Before Flask-Admin's one commit: the wing's service prepares the document, and a document created
        «на основании» of a record (a traffic card) is attached to it in the same transaction — a record that
        can no longer take it (processed by someone else meanwhile) leaves the form unsaved, with the reason."""
        if is_created:
            documents.stamp_created(model, user_id=current_user.id, clock=get_clock())
        self.prepare_document(form, model, is_created)
        if is_created:
            self._attach_to_origins(model)
            self._tell_listeners(model)

    def prepare_document(self, form, model, is_created) -> None:
        """What the kind's service fills in before the commit."""

    def _attach_to_origins(self, model) -> None:
        attached = []
        for origin, origin_id in self._origins():
            self.db_session.flush()  # the document's id
            try:
                record = origin.attach(self.db_session, origin_id, document_type=self.document_kind,
                                       document_id=model.id, user_id=current_user.id, clock=get_clock())
            except DomainError as exc:
                raise ValidationError(gettext(
                    "The document is not saved: the traffic cannot take it (%(why)s).",
                    why=translate(exc.message, **exc.params) if not exc.fields else
                    "; ".join(translate(text) for text in exc.fields.values()))) from exc
            attached.append(origin.number_of(record))
        g.origin_numbers = attached

    def _tell_listeners(self, model) -> None:
        """The wings that follow this kind of document (the desk: a repair visit marks the booking arrived)."""
        told = []
        for listener in document_listeners(self.document_kind):
            self.db_session.flush()
            message = listener(self.db_session, model, user_id=current_user.id, clock=get_clock())
            if message is not None:
                told.append(message)
        g.listener_messages = told

    def after_model_change(self, form, model, is_created):
        for number in g.pop("origin_numbers", []):
            flash(gettext("%(number)s is attached to %(document)s.", number=number, document=model.number),
                  "success")
        for message in g.pop("listener_messages", []):
            flash(translate(message.text, **message.params), "success")


def _choice_field(labels, label):
    return SelectField(label, choices=_choices(labels))


class WorkOrderLineInline(InlineFormAdmin):
    form_columns = ("id", "work", "name", "hours", "price")
    form_label = _l("Work")
    column_labels = {"work": _l("From the works catalog"), "name": _l("Work"), "hours": _l("Hours"),
                     "price": _l("Price")}

    def on_model_change(self, form, model, is_created):
        if model.work is not None and not (model.name or "").strip():
            model.name = model.work.name


class WorkOrderView(DocumentView):
    document_kind = "work_order"
    allowed_roles = frozenset({*SERVICE, Role.SUPERVISOR})
    edit_roles = SERVICE
    column_list = ("number", "opened_at", "client", "car", "manager", "state", "total", "paid")
    column_filters = ("state", *day_filters(WorkOrder.opened_at, _l("Opened")))
    form_columns = ("client", "car", "manager", "state", "opened_at", "closed_at", "total", "paid", "note", "lines")
    form_overrides = {"opened_at": LocalDateTimeField, "closed_at": LocalDateTimeField}
    inline_models = (WorkOrderLineInline(WorkOrderLine),)
    user_fields = ("manager",)
    form_args = {"total": {"description": _l("Filled in from the works when there are any.")}}
    extra_formatters = {"state": labelled(WORK_ORDER_STATE_LABELS, "state"),
                        "manager": lambda v, c, m, n: str(m.manager or "")}

    def scaffold_form(self):
        form_class = super().scaffold_form()
        form_class.state = _choice_field(WORK_ORDER_STATE_LABELS, _l("State"))
        return form_class

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if request.method == "GET" and not form.opened_at.data:
            from app.i18n import dealership_timezone

            form.opened_at.data = get_clock().now().astimezone(dealership_timezone()).replace(tzinfo=None, second=0,
                                                                                              microsecond=0)
        return form

    def validate_document(self, form):
        if form.paid.data is not None and form.paid.data < 0:
            form.paid.errors = [*form.paid.errors, gettext("The amount cannot be negative.")]
            return False
        return True

    def prepare_document(self, form, model, is_created):
        documents.refresh_work_order(model, clock=get_clock())


class RepairVisitView(DocumentView):
    document_kind = "repair_visit"
    allowed_roles = frozenset({*SERVICE, Role.SUPERVISOR})
    edit_roles = SERVICE
    column_list = ("number", "arrived_at", "client", "car", "advisor", "mileage", "work_order")
    column_filters = tuple(day_filters(RepairVisit.arrived_at, _l("Arrived")))
    form_columns = ("client", "car", "advisor", "arrived_at", "mileage", "work_order", "note")
    form_overrides = {"arrived_at": LocalDateTimeField}
    user_fields = ("advisor",)
    extra_formatters = {"advisor": lambda v, c, m, n: str(m.advisor or ""),
                        "work_order": lambda v, c, m, n: m.work_order.number if m.work_order else ""}

    def more_ajax_refs(self, session) -> dict:
        return {"work_order": LiteralAjaxModelLoader("work_order", session, WorkOrder, fields=["id"],
                                                     placeholder=_l("Work order number"))}

    def prepare_document(self, form, model, is_created):
        if is_created:
            documents.open_work_order_for_visit(model, user_id=current_user.id, clock=get_clock())

    def validate_document(self, form):
        order = form.work_order.data
        if order is not None and order.client_id != form.client.data.id:
            form.work_order.errors = [*form.work_order.errors, gettext("This work order belongs to another client.")]
            return False
        if form.mileage.data is not None and form.mileage.data < 0:
            form.mileage.errors = [*form.mileage.errors, gettext("The mileage cannot be negative.")]
            return False
        return True


class WorkSheetView(DocumentView):
    document_kind = "work_sheet"
    allowed_roles = frozenset({Role.SALES_MANAGER, Role.ADMIN, Role.SUPERVISOR})
    edit_roles = frozenset({Role.SALES_MANAGER, Role.ADMIN})
    column_list = ("number", "created_at", "client", "car", "manager", "interest", "status")
    column_filters = ("status", *day_filters(WorkSheet.created_at, _l("Created")))
    form_columns = ("client", "car", "manager", "interest", "status", "note")
    user_fields = ("manager",)
    extra_formatters = {"status": labelled(WORK_SHEET_STATUS_LABELS, "status"),
                        "manager": lambda v, c, m, n: str(m.manager or "")}

    def scaffold_form(self):
        form_class = super().scaffold_form()
        form_class.status = _choice_field(WORK_SHEET_STATUS_LABELS, _l("Status"))
        return form_class


class PartsReservationView(DocumentView):
    allowed_roles = frozenset({*SERVICE, Role.SALES_MANAGER, Role.SUPERVISOR})
    edit_roles = frozenset({*SERVICE, Role.SALES_MANAGER})
    column_list = ("number", "created_at", "client", "part_number", "part_name", "quantity", "status",
                   "reserved_until")
    column_filters = ("status", *day_filters(PartsReservation.created_at, _l("Created")))
    form_columns = ("client", "car", "part_number", "part_name", "quantity", "status", "reserved_until", "note")
    form_overrides = {"reserved_until": LocalDateTimeField}
    extra_formatters = {"status": labelled(RESERVATION_STATUS_LABELS, "status")}

    def scaffold_form(self):
        form_class = super().scaffold_form()
        form_class.status = _choice_field(RESERVATION_STATUS_LABELS, _l("Status"))
        return form_class

    def validate_document(self, form):
        if form.quantity.data is None or form.quantity.data < 1:
            form.quantity.errors = [*form.quantity.errors, gettext("The quantity must be at least 1.")]
            return False
        if not (form.part_name.data or "").strip():
            form.part_name.errors = [*form.part_name.errors, gettext("Enter the part.")]
            return False
        return True


def menu_entries() -> list[MenuEntry]:
    from app.extensions import db

    def entry(position, model, view_class, endpoint, title):
        return MenuEntry(position, lambda: view_class(model, db, name=title, category=DOCUMENTS, endpoint=endpoint))

    return [
        entry(710, WorkOrder, WorkOrderView, "workorder", _l("Work orders")),
        entry(720, RepairVisit, RepairVisitView, "repairvisit", _l("Repair visits")),
        entry(730, WorkSheet, WorkSheetView, "worksheet", _l("Work sheets")),
        entry(740, PartsReservation, PartsReservationView, "partsreservation", _l("Parts reservations")),
    ]
