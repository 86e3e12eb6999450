"""The clients-and-cars workstation: search with filters, the client card and actions in its context.

Views are thin: they parse the request, call clients/service.py (or clients/messages.py) and
render; a DomainError comes back as messages placed next to the fields, with what the user typed kept.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from app.admin.base import StaffBaseView, field_messages
from app.clock import get_clock
from app.domain.errors import Conflict, DomainError, NotFound
from app.domain.i18n import N_
from app.domain.roles import ALL_ROLES, Role
from app.i18n import dealership_timezone, translate
from app.services.users import active_staff
from clients import service
from clients.current_call import current_call_phone
from clients.forms import car_draft, client_draft, form_errors
from clients.labels import CLIENT_KIND_LABELS, CONTACT_KIND_LABELS, EVENT_KIND_LABELS, EVENT_STATUS_LABELS
from clients.messages import send_client_message
from clients.models import EVENT_KINDS, ClientContact, ClientEvent
from clients.search import ClientQuery, search_clients
from clients.timeline import client_timeline

VIEW_ROLES = ALL_ROLES
EDIT_ROLES = frozenset(ALL_ROLES - {Role.SUPERVISOR})
PAGE_SIZE = 50
FILTERS = (
    ("only_mine", N_("Only mine")),
    ("new_events", N_("With new events")),
    ("open_orders", N_("With open orders")),
    ("reserved_goods", N_("With goods in reserve")),
    ("booked_today", N_("Booked for today")),
    ("on_service", N_("On service")),
    ("awaiting_pickup", N_("Awaiting pickup")),
)
# (admin endpoint of the document view, button label msgid); the card passes ?client_id=
DOCUMENT_ACTIONS = (
    ("booking", N_("New booking")),
    ("worksheet", N_("New work sheet")),
    ("workorder", N_("New work order")),
    ("repairvisit", N_("New repair visit")),
    ("partsreservation", N_("Reserve parts")),
)


def today_bounds(now: datetime, zone) -> tuple[datetime, datetime]:
    """[start, end) of the dealership's current day, as aware datetimes."""
    local = now.astimezone(zone).date()
    start = datetime.combine(local, time(0), tzinfo=zone)
    end = datetime.combine(local + timedelta(days=1), time(0), tzinfo=zone)
    return start, end



def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


class ClientsView(StaffBaseView):
    allowed_roles = VIEW_ROLES

    def _require_edit(self) -> None:
        if not current_user.has_any_role(EDIT_ROLES):
            abort(403)

    # ----- search

    @expose("/")
    def index(self):
        query = ClientQuery.from_mapping(request.args)
        page = None
        error = None
        if not query.is_blank() or request.args.get("all"):
            try:
                page = search_clients(
                    self.db_session, query, user_id=current_user.id,
                    day=today_bounds(get_clock().now(), dealership_timezone()),
                    limit=PAGE_SIZE, cursor=request.args.get("cursor"),
                )
            except ValueError:
                error = gettext("This page link is out of date; the search starts again from the first page.")
                page = search_clients(self.db_session, query, user_id=current_user.id,
                                      day=today_bounds(get_clock().now(), dealership_timezone()), limit=PAGE_SIZE)
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        next_url = url_for(".index", **args, cursor=page.next_cursor) if page and page.next_cursor else None
        first_url = url_for(".index", **args) if request.args.get("cursor") else None
        return self.render("clients/index.html", query=query, page=page, filters=FILTERS, error=error,
                           next_url=next_url, first_url=first_url,
                           kind_labels=CLIENT_KIND_LABELS, can_edit=current_user.has_any_role(EDIT_ROLES))

    @expose("/current-call")
    def current_call(self):
        phone = current_call_phone(self.db_session, current_user.id)
        if phone is None:
            return jsonify(phone=None, message=gettext("You have no unprocessed incoming call."))
        return jsonify(phone=phone, message="")

    # ----- new client

    @expose("/new", methods=("GET", "POST"))
    def create(self):
        self._require_edit()
        values = request.form.to_dict() if request.method == "POST" else {"kind": "person"}
        errors: dict[str, str] = {}
        if request.method == "POST":
            draft = client_draft(values, manager_id=current_user.id)
            try:
                client = service.create_client(self.db_session, draft, actor_id=current_user.id, clock=get_clock())
            except DomainError as exc:
                self.db_session.rollback()
                errors = form_errors(exc)
            else:
                flash(gettext("Client %(name)s created.", name=client.name), "success")
                return redirect(url_for(".card", client_id=client.id))
        status = 400 if errors else 200
        return self.render("clients/new.html", values=values, errors=errors, kind_labels=CLIENT_KIND_LABELS), status

    # ----- the card

    @expose("/<int:client_id>")
    def card(self, client_id: int):
        return self._render_card(client_id)

    def _render_card(self, client_id: int, *, errors: dict[str, str] | None = None, values: dict | None = None,
                     failed: str = "", status: int = 200):
        from app.services.catalogs import visible_rows
        from catalogs.models import MessageTemplate

        try:
            client = service.get_client(self.db_session, client_id)
        except NotFound:
            abort(404)
        offset = max(0, _int_or_none(request.args.get("history_from")) or 0)
        timeline = client_timeline(self.db_session, client_id, limit=PAGE_SIZE + 1, offset=offset)
        new_events = list(self.db_session.scalars(
            select(ClientEvent).where(ClientEvent.client_id == client_id, ClientEvent.status == "new")
            .order_by(ClientEvent.at.desc()).limit(20)))
        managers = active_staff(self.db_session)
        actions = [(endpoint, label) for endpoint, label in DOCUMENT_ACTIONS if self._can_open(endpoint)]
        back = url_for(".card", client_id=client_id)
        timeline = [(item, self._document_url(item.document, back)) for item in timeline]
        return self.render(
            "clients/card.html", client=client, debt=service.open_orders_debt(self.db_session, client_id),
            timeline=timeline[:PAGE_SIZE], more_history=len(timeline) > PAGE_SIZE, history_from=offset,
            page_size=PAGE_SIZE, new_events=new_events, managers=managers, actions=actions,
            templates=visible_rows(self.db_session, MessageTemplate), errors=errors or {}, values=values or {},
            failed=failed,
            kind_labels=CLIENT_KIND_LABELS, contact_kind_labels=CONTACT_KIND_LABELS,
            event_kind_labels=EVENT_KIND_LABELS, event_kinds=EVENT_KINDS, event_status_labels=EVENT_STATUS_LABELS,
            can_edit=current_user.has_any_role(EDIT_ROLES),
        ), status

    def _view(self, endpoint: str):
        view = next((v for v in self.admin._views if v.endpoint == endpoint), None)
        return view if view is not None and view.is_accessible() else None

    def _can_open(self, endpoint: str) -> bool:
        view = self._view(endpoint)
        return view is not None and bool(getattr(view, "can_create", False))

    def _document_url(self, document: tuple[str, int] | None, back: str) -> str | None:
        """Where a timeline item links to: its edit form, or its details, if the user may open either."""
        view = self._view(document[0]) if document else None
        if view is None:
            return None
        if hasattr(view, "document_url"):  # a plain view with its own card (traffic, service requests)
            return view.document_url(document[1])
        if getattr(view, "can_edit", False):
            return url_for(f"{document[0]}.edit_view", id=document[1], url=back)
        if getattr(view, "can_view_details", False):
            return url_for(f"{document[0]}.details_view", id=document[1], url=back)
        return None

    def _act(self, client_id: int, action, *, success: str, anchor: str, field_prefix: str = ""):
        """Run a service call; on failure show the card again with messages by the fields, input kept."""
        self._require_edit()
        try:
            action()
        except DomainError as exc:
            self.db_session.rollback()
            errors = {field_prefix + key: message for key, message in field_messages(exc).items()}
            if isinstance(exc, Conflict | NotFound):
                errors = {field_prefix + "_form": translate(exc.message, **exc.params)}
            return self._render_card(client_id, errors=errors, values=request.form.to_dict(), failed=field_prefix,
                                     status=exc.http_status if exc.http_status != 422 else 400)
        if success:
            flash(success, "success")
        return redirect(url_for(".card", client_id=client_id) + anchor)

    @expose("/<int:client_id>/edit", methods=("POST",))
    def edit(self, client_id: int):
        form = request.form
        return self._act(client_id, lambda: service.update_client(
            self.db_session, client_id, expected_version=_int_or_none(form.get("version")) or 0,
            name=form.get("name", ""), kind=form.get("kind", ""), inn=form.get("inn", ""),
            discount_card=form.get("discount_card", ""), note=form.get("note", ""),
            manager_id=_int_or_none(form.get("manager_id")), contact_person=form.get("contact_person", "")),
            success=gettext("Saved."), anchor="#client-info", field_prefix="client_")

    @expose("/<int:client_id>/contacts", methods=("POST",))
    def add_contact(self, client_id: int):
        form = request.form

        def add():
            contact = service.add_contact(self.db_session, client_id, form.get("kind", ""), form.get("value", ""),
                                          comment=form.get("comment", ""), make_main=bool(form.get("is_main")))
            self._warn_duplicates(contact)

        return self._act(client_id, add, success=gettext("Contact detail added."), anchor="#contacts",
                         field_prefix="new_contact_")

    @expose("/<int:client_id>/contacts/<int:contact_id>", methods=("POST",))
    def update_contact(self, client_id: int, contact_id: int):
        form = request.form
        self._contact_of(client_id, contact_id)

        def change():
            contact = service.update_contact(self.db_session, contact_id, form.get("value", ""),
                                             expected_version=_int_or_none(form.get("version")) or 0,
                                             comment=form.get("comment"))
            self._warn_duplicates(contact)

        return self._act(client_id, change, success=gettext("Contact detail saved."), anchor="#contacts")

    @expose("/<int:client_id>/contacts/<int:contact_id>/delete", methods=("POST",))
    def delete_contact(self, client_id: int, contact_id: int):
        self._contact_of(client_id, contact_id)
        return self._act(client_id, lambda: service.delete_contact(self.db_session, contact_id),
                         success=gettext("Contact detail deleted."), anchor="#contacts")

    def _contact_of(self, client_id: int, contact_id: int) -> None:
        contact = self.db_session.get(ClientContact, contact_id)
        if contact is not None and contact.client_id != client_id:
            abort(404)

    def _warn_duplicates(self, contact: ClientContact) -> None:
        owners = service.duplicate_owners(self.db_session, contact.kind, contact.value,
                                          except_client_id=contact.client_id)
        if owners:
            flash(gettext("%(value)s is also recorded for: %(clients)s.", value=contact.display,
                          clients=", ".join(o.name for o in owners)), "warning")

    @expose("/<int:client_id>/cars", methods=("POST",))
    def add_car(self, client_id: int):
        draft = car_draft(request.form)
        return self._act(client_id, lambda: service.add_car(self.db_session, client_id, draft, clock=get_clock()),
                         success=gettext("Car added."), anchor="#cars", field_prefix="car_")

    @expose("/<int:client_id>/events", methods=("POST",))
    def register_event(self, client_id: int):
        form = request.form
        return self._act(client_id, lambda: service.register_event(
            self.db_session, client_id, kind=form.get("kind", ""), summary=form.get("summary", ""),
            actor_id=current_user.id, responsible_id=_int_or_none(form.get("responsible_id")), clock=get_clock(),
            done=bool(form.get("done"))), success=gettext("Contact registered."), anchor="#history",
            field_prefix="event_")

    @expose("/<int:client_id>/events/<int:event_id>/done", methods=("POST",))
    def complete_event(self, client_id: int, event_id: int):
        self._require_edit()
        event = self.db_session.get(ClientEvent, event_id)
        if event is None or event.client_id != client_id:
            abort(404)
        if service.complete_event(self.db_session, event_id, clock=get_clock()):
            flash(gettext("Event processed."), "success")
        else:
            flash(gettext("Someone else has already processed this event."), "warning")
        return redirect(url_for(".card", client_id=client_id) + "#events")

    @expose("/<int:client_id>/message", methods=("POST",))
    def send_message(self, client_id: int):
        form = request.form

        def send():
            message = send_client_message(
                self.db_session, client_id, template_id=_int_or_none(form.get("template_id")),
                contact_id=_int_or_none(form.get("contact_id")), actor_id=current_user.id, clock=get_clock())
            flash(gettext("The message is in the outbox (no. %(id)s); a worker will deliver it.", id=message.id),
                  "success")

        return self._act(client_id, send, success="", anchor="#history", field_prefix="message_")
