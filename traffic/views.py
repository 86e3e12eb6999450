"""«Входящий трафик»: the reception panel (register calls and walk-ins), the specialist's inbox (take, attach,
ignore, identify) and the traffic card. A small poll endpoint feeds the navbar badge and the lists."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.admin.base import StaffBaseView, card_messages, field_messages
from app.clock import get_clock
from app.domain.errors import Conflict, DomainError, NotFound
from app.domain.roles import ALL_ROLES, Role
from app.i18n import translate
from app.models.user import User
from app.notifications.models import Notification
from app.notifications.service import message_of, unread_count
from app.services.catalogs import visible_rows
from app.services.regulations import load_regulations
from catalogs.labels import DOCUMENT_KIND_LABELS
from catalogs.models import ContactGoal, IgnoreReason
from clients.forms import client_draft, form_errors
from clients.labels import CLIENT_KIND_LABELS
from clients.search import quick_matches
from clients.service import ClientDraft
from clients.views import EDIT_ROLES as CLIENT_EDIT_ROLES
from documents.labels import WORK_ORDER_STATE_LABELS
from traffic import service
from traffic.card_actions import card_actions
from traffic.hooks import STATUS_LABELS
from traffic.models import OPEN_STATUSES, Traffic
from traffic.rules import can_take

REGISTER_ROLES = frozenset({Role.ADMIN, Role.RECEPTION, Role.CALL_CENTER, Role.SERVICE_ADMIN})
PROCESS_ROLES = frozenset({Role.ADMIN, Role.SALES_MANAGER, Role.SERVICE_ADVISOR, Role.SERVICE_ADMIN,
                           Role.CALL_CENTER})
OPEN_LIST_LIMIT = 100
FOUND_DOCUMENTS_LIMIT = 20
DOCUMENT_ENDPOINTS = {"work_sheet": "worksheet", "pre_booking": "booking", "repair_visit": "repairvisit",
                      "work_order": "workorder"}



class TrafficView(StaffBaseView):
    allowed_roles = ALL_ROLES

    def _require(self, roles) -> None:
        if not current_user.has_any_role(roles):
            abort(403)

    # ----- the panel

    @expose("/")
    def index(self):
        return self._render_panel()

    LOADS = (joinedload(Traffic.client), joinedload(Traffic.goal),
             joinedload(Traffic.responsible).lazyload(User.roles))

    def _waiting(self) -> dict:
        """The «Waiting to be taken» list: the panel shows it, `/waiting` sends it again every few seconds."""
        session = self.db_session
        # One query per open status: each walks ix_traffic_status_registered_at (an IN list made SQLite scan
        # the date index from the oldest of a million rows: 190 ms → 0.5 ms).
        open_rows = sorted((row for code in OPEN_STATUSES for row in session.scalars(
            select(Traffic).options(*self.LOADS).where(Traffic.status == code)
            .order_by(Traffic.registered_at, Traffic.id).limit(OPEN_LIST_LIMIT))),
            key=lambda row: (row.registered_at, row.id))[:OPEN_LIST_LIMIT]
        addressed = set(session.scalars(select(Notification.target_id).where(
            Notification.user_id == current_user.id, Notification.target_type == "traffic",
            Notification.read_at.is_(None))))
        return {"open_rows": open_rows, "addressed": addressed, "now": get_clock().now(),
                "status_labels": STATUS_LABELS, "can_process": current_user.has_any_role(PROCESS_ROLES),
                "can_add_client": current_user.has_any_role(CLIENT_EDIT_ROLES)}

    def _render_panel(self, *, errors=None, values=None, status=200):
        session = self.db_session
        mine = list(session.scalars(select(Traffic).options(*self.LOADS).where(Traffic.status == "in_processing",
                                                                               Traffic.taken_by_id == current_user.id)
                                    .order_by(Traffic.taken_at.desc()).limit(OPEN_LIST_LIMIT)))
        can_register = current_user.has_any_role(REGISTER_ROLES)
        return self.render(
            "traffic/panel.html", mine=mine, goals=visible_rows(session, ContactGoal), staff=self._staff(),
            errors=errors or {}, values=values or {}, can_register=can_register,
            unstaffed_goals=service.goals_without_specialists(session) if can_register else [],
            reception_script=load_regulations(session).reception_script.strip() if can_register else "",
            **self._waiting(),
        ), status

    @expose("/waiting")
    def waiting(self):
        """The waiting list alone (HTML), for static/js/traffic-panel.js to refresh the panel without a reload."""
        return self.render("traffic/_waiting.html", **self._waiting())

    def _staff(self) -> list[User]:
        """The «Ответственный» pick-list: only the active employees who take traffic."""
        return service.responsible_choices(self.db_session)

    @expose("/register", methods=("POST",))
    def register(self):
        self._require(REGISTER_ROLES)
        form = request.form
        draft = service.TrafficDraft(
            channel=form.get("channel", ""), goal_id=form.get("goal_id", type=int),
            client_id=form.get("client_id", type=int), description=form.get("description", ""),
            phone=form.get("phone", ""), car_id=form.get("car_id", type=int),
            responsible_id=form.get("responsible_id", type=int),
            note=form.get("note", ""), queue=form.get("action") == "queue")
        if draft.queue:
            draft.channel = "visit"
        try:
            row, notified = service.register(self.db_session, draft, actor_id=current_user.id, clock=get_clock())
        except DomainError as exc:
            self.db_session.rollback()
            return self._render_panel(errors=field_messages(exc), values=form.to_dict(), status=400)
        flash(gettext("%(number)s registered; notified: %(count)s.", number=row.number, count=len(notified)),
              "success")
        return redirect(url_for(".index"))

    @expose("/clients")
    def clients(self):
        """Search-as-you-type for the reception form: name, card or phone."""
        term = (request.args.get("q") or "").strip()
        rows = quick_matches(self.db_session, term, limit=15) if len(term) >= 2 else []
        return jsonify(items=[{"id": c.id, "label": f"{c.name} ({c.main_phone.display})" if c.main_phone else c.name,
                               "phone": c.main_phone.display if c.main_phone else "",
                               "cars": [{"id": car.id, "label": str(car)} for car in c.cars]} for c in rows])

    @expose("/poll")
    def poll(self):
        """For the navbar badge and the panel: unread notifications and the newest one."""
        newest = self.db_session.scalar(select(Notification).where(
            Notification.user_id == current_user.id, Notification.read_at.is_(None)).order_by(Notification.id.desc())
            .limit(1))
        return jsonify(unread=unread_count(self.db_session, current_user.id),
                       newest={"id": newest.id, "text": translate(message_of(newest)),
                               "url": self._notification_url(newest)} if newest else None)

    @staticmethod
    def _notification_url(note: Notification) -> str:
        from app.notifications.views import target_url

        return target_url(note) or url_for("notifications.index")  # the kernel maps every target (traffic too)

    # ----- the traffic card and processing

    @expose("/<int:traffic_id>")
    def card(self, traffic_id: int):
        return self._render_card(traffic_id)

    def document_url(self, traffic_id: int) -> str:
        return url_for(f"{self.endpoint}.card", traffic_id=traffic_id)

    def _render_card(self, traffic_id: int, *, errors=None, values=None, status=200):
        try:
            row = service.get_traffic(self.db_session, traffic_id)
        except NotFound:
            abort(404)
        documents = service.client_documents(self.db_session, row.client_id) if row.client_id else []
        find = (request.args.get("find") or "").strip()
        found = None
        if find:
            found = service.find_documents(self.db_session, find, limit=FOUND_DOCUMENTS_LIMIT)
            if row.client_id:  # a known client's traffic goes only to their own documents
                found = [(kind, doc) for kind, doc in found if doc.client_id == row.client_id]
        create_links = []
        if row.client_id:
            back = url_for(".card", traffic_id=traffic_id)
            for kind, endpoint in DOCUMENT_ENDPOINTS.items():
                view = next((v for v in self.admin._views if v.endpoint == endpoint), None)
                if view is not None and view.is_accessible() and getattr(view, "can_create", False):
                    create_links.append((kind, url_for(f"{endpoint}.create_view", client_id=row.client_id,
                                                       traffic_id=row.id, url=back),
                                         row.goal is not None and row.goal.document_kind == kind))
        document = service.attached_document(self.db_session, row)
        document_link = None
        if document is not None:
            view = next((v for v in self.admin._views if v.endpoint == DOCUMENT_ENDPOINTS[row.document_type]), None)
            if view is not None and view.is_accessible():
                document_link = url_for(f"{view.endpoint}.edit_view", id=document.id, url=url_for(".card",
                                                                                                  traffic_id=row.id))
        return self.render(
            "traffic/card.html", row=row, documents=documents, document=document, document_link=document_link,
            find=find, found=found, can_add_client=current_user.has_any_role(CLIENT_EDIT_ROLES),
            document_labels=DOCUMENT_KIND_LABELS, goals=visible_rows(self.db_session, ContactGoal),
            staff=self._staff() if row.goal_id is None else [],
            can_route=current_user.has_any_role(REGISTER_ROLES), work_order_state_labels=WORK_ORDER_STATE_LABELS, create_links=create_links, errors=errors or {},
            values=values or {}, reasons=visible_rows(self.db_session, IgnoreReason), status_labels=STATUS_LABELS,
            can_process=current_user.has_any_role(PROCESS_ROLES), now=get_clock().now(),
            card_actions=card_actions(current_user, row),
        ), status

    def _act(self, traffic_id: int, action, success: str):
        self._require(PROCESS_ROLES)
        try:
            action()
        except DomainError as exc:
            self.db_session.rollback()
            errors = {"_form": translate(exc.message, **exc.params)} if isinstance(exc, Conflict | NotFound) \
                else card_messages(exc)
            return self._render_card(traffic_id, errors=errors, values=request.form.to_dict(),
                                     status=409 if isinstance(exc, Conflict) else 400)
        flash(success, "success")
        return redirect(url_for(".card", traffic_id=traffic_id))

    @expose("/<int:traffic_id>/route", methods=("POST",))
    def route(self, traffic_id: int):
        """A call the PBX reported without a goal: reception sets the goal (and the employee) and passes it on."""
        self._require(REGISTER_ROLES)
        form = request.form
        try:
            row, notified = service.route_call(
                self.db_session, traffic_id, goal_id=form.get("goal_id", type=int),
                responsible_id=form.get("responsible_id", type=int), description=form.get("description", ""),
                note=form.get("note", ""), actor_id=current_user.id, clock=get_clock())
        except DomainError as exc:
            self.db_session.rollback()
            errors = {"_form": translate(exc.message, **exc.params)} if isinstance(exc, Conflict | NotFound) \
                else card_messages(exc)
            return self._render_card(traffic_id, errors=errors, values=form.to_dict(),
                                     status=409 if isinstance(exc, Conflict) else 400)
        flash(gettext("%(number)s registered; notified: %(count)s.", number=row.number, count=len(notified)),
              "success")
        return redirect(url_for(".index"))

    @expose("/<int:traffic_id>/take", methods=("POST",))
    def take(self, traffic_id: int):
        return self._act(traffic_id, lambda: service.take(self.db_session, traffic_id, user_id=current_user.id,
                                                           clock=get_clock()), gettext("Taken."))

    @expose("/<int:traffic_id>/attach", methods=("POST",))
    def attach(self, traffic_id: int):
        kind, _, number = (request.form.get("document") or "").partition(":")
        return self._act(traffic_id, lambda: service.attach(
            self.db_session, traffic_id, document_type=kind, document_id=int(number) if number.isdigit() else 0,
            user_id=current_user.id, clock=get_clock()), gettext("Attached to the document."))

    @expose("/<int:traffic_id>/ignore", methods=("POST",))
    def ignore(self, traffic_id: int):
        return self._act(traffic_id, lambda: service.ignore(
            self.db_session, traffic_id, reason_id=request.form.get("reason_id", type=int),
            comment=request.form.get("comment", ""), user_id=current_user.id, clock=get_clock()),
            gettext("Ignored."))

    @expose("/<int:traffic_id>/identify", methods=("POST",))
    def identify(self, traffic_id: int):
        return self._act(traffic_id, lambda: service.identify(
            self.db_session, traffic_id, request.form.get("client_id", type=int) or 0), gettext("Client linked."))

    # ----- «Новый клиент»: an unknown caller or visitor becomes a client, and the record is identified by them

    @expose("/<int:traffic_id>/new-client", methods=("GET", "POST"))
    def new_client(self, traffic_id: int):
        self._require(CLIENT_EDIT_ROLES)
        try:
            row = service.get_traffic(self.db_session, traffic_id)
        except NotFound:
            abort(404)
        if row.client_id is not None and request.method == "GET":
            flash(gettext("This traffic is already linked to a client."), "warning")
            return redirect(url_for(".card", traffic_id=traffic_id))
        errors: dict[str, str] = {}
        if request.method == "POST":
            values = request.form.to_dict()
            try:
                row, client = service.client_from_traffic(self.db_session, traffic_id,
                                                          self._client_draft(values, row),
                                                          actor_id=current_user.id, clock=get_clock())
            except DomainError as exc:
                self.db_session.rollback()
                errors = form_errors(exc)
            else:
                flash(gettext("Client %(name)s created; %(number)s is linked to them.", name=client.name,
                              number=row.number), "success")
                return redirect(url_for(".card", traffic_id=traffic_id))
        else:
            values = {"kind": "person", "phone": row.phone, "note": row.description}
        return self.render("traffic/new_client.html", row=row, values=values, errors=errors,
                           kind_labels=CLIENT_KIND_LABELS), 400 if errors else 200

    @staticmethod
    def _client_draft(values: dict, row: Traffic) -> ClientDraft:
        """The new-client form as a draft; its manager is whoever takes the traffic: the employee filling it
        in when they do, else the one who took or was chosen for the record."""
        manager_id = current_user.id if can_take(current_user.role_codes) else (row.taken_by_id or row.responsible_id)
        return client_draft(values, manager_id=manager_id)
