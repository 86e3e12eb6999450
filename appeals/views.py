"""Registering an appeal («Обращение»): the automatic category with its reason, or a category and an
outcome picked by staff; and ending a client's «Обращение в СТО» (done or refused)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from app.admin.base import StaffBaseView, card_messages, field_messages
from app.clock import get_clock
from app.domain.errors import Conflict, DomainError, NotFound
from app.domain.i18n import N_
from app.domain.roles import ALL_ROLES
from app.i18n import translate
from appeals import service
from appeals.hooks import PROCESS_EFFECT_LABELS, SERVICE_REQUEST_STATUS_LABELS
from appeals.models import APPEAL_CHANNELS, Appeal, ServiceRequest
from appeals.rules import APPEAL_ROLES
from clients.service import get_client
from traffic.models import Traffic

CHANNEL_LABELS = {"call": N_("Call"), "visit": N_("Visit"), "message": N_("Message"), "other": N_("Other")}
LIST_LIMIT = 100


class AppealsView(StaffBaseView):
    allowed_roles = ALL_ROLES  # supervisors read service requests; registering and closing need APPEAL_ROLES

    def _require(self, roles) -> None:
        if not current_user.has_any_role(roles):
            abort(403)

    @expose("/")
    def index(self):
        """Open service requests, oldest first (they wait for an answer), and the latest appeals."""
        from sqlalchemy.orm import joinedload

        processes = list(self.db_session.scalars(
            select(ServiceRequest).options(joinedload(ServiceRequest.client))
            .where(ServiceRequest.status == "open").order_by(ServiceRequest.opened_at).limit(LIST_LIMIT)))
        appeals = list(self.db_session.scalars(
            select(Appeal).options(joinedload(Appeal.client), joinedload(Appeal.category),
                                   joinedload(Appeal.outcome), joinedload(Appeal.registered_by))
            .order_by(Appeal.registered_at.desc(), Appeal.id.desc()).limit(LIST_LIMIT)))
        return self.render("appeals/index.html", processes=processes, appeals=appeals, limit=LIST_LIMIT,
                           effect_labels=PROCESS_EFFECT_LABELS, channel_labels=CHANNEL_LABELS,
                           now=get_clock().now())

    @expose("/new", methods=("GET", "POST"))
    def new(self):
        self._require(APPEAL_ROLES)
        client_id = request.values.get("client_id", type=int)
        traffic_id = request.values.get("traffic_id", type=int)
        try:
            client = get_client(self.db_session, client_id or 0)
        except NotFound:
            abort(404)
        traffic = self.db_session.get(Traffic, traffic_id) if traffic_id else None
        default_channel = traffic.channel if traffic is not None else "call"
        channel = request.values.get("channel") or default_channel
        errors, status = {}, 200
        if request.method == "POST":
            draft = service.AppealDraft(
                client_id=client.id, channel=channel, category_id=request.form.get("category_id", type=int),
                outcome_id=request.form.get("outcome_id", type=int), traffic_id=traffic_id,
                note=request.form.get("note", ""))
            try:
                appeal = service.register_appeal(self.db_session, draft, actor_id=current_user.id, clock=get_clock())
            except DomainError as exc:
                self.db_session.rollback()
                errors = ({"_form": translate(exc.message, **exc.params)} if isinstance(exc, Conflict | NotFound)
                          else field_messages(exc))
                status = 400
            else:
                self._flash_registered(appeal)
                if traffic is not None:
                    return redirect(url_for("traffic.card", traffic_id=traffic.id))
                return redirect(url_for("clients.card", client_id=client.id) + "#history")
        automatic = service.automatic_for(self.db_session, client.id, channel=channel if channel in APPEAL_CHANNELS
                                          else default_channel, traffic_id=traffic_id, now=get_clock().now())
        categories = service.manual_categories(self.db_session)
        automatic_category = None
        if automatic is not None:
            from catalogs.models import AppealCategory

            automatic_category = self.db_session.get(AppealCategory, automatic.category_id)
        open_process_id = service.open_service_request_id(self.db_session, client.id)
        return self.render(
            "appeals/new.html", client=client, traffic=traffic, channel=channel, channels=APPEAL_CHANNELS,
            channel_labels=CHANNEL_LABELS, automatic=automatic, automatic_category=automatic_category,
            categories=categories, errors=errors, values=request.form.to_dict(), open_process_id=open_process_id,
            refusals=service.refusal_outcomes(self.db_session) if automatic and open_process_id else [],
        ), status

    def _flash_registered(self, appeal) -> None:
        text = gettext("%(number)s registered: %(category)s.", number=appeal.number, category=appeal.category.name)
        if appeal.assigned_automatically and appeal.reason is not None:
            text += " " + gettext("Assigned automatically: %(reason)s", reason=translate(appeal.reason))
        if appeal.process_effect:
            text += " " + gettext("The appeal %(effect)s %(number)s.", effect=gettext(
                PROCESS_EFFECT_LABELS[appeal.process_effect]), number=appeal.service_request.number)
        flash(text, "success")

    @expose("/service-requests/<int:process_id>")
    def process_card(self, process_id: int):
        return self._render_process(process_id)

    def document_url(self, process_id: int) -> str:
        return url_for(f"{self.endpoint}.process_card", process_id=process_id)

    def _render_process(self, process_id: int, *, errors=None, status=200):
        process = self.db_session.get(ServiceRequest, process_id)
        if process is None:
            abort(404)
        appeals = list(self.db_session.scalars(select(Appeal).where(Appeal.service_request_id == process_id)
                                               .order_by(Appeal.registered_at.desc()).limit(100)))
        return self.render("appeals/process.html", process=process, appeals=appeals, errors=errors or {},
                           values=request.form.to_dict(), effect_labels=PROCESS_EFFECT_LABELS,
                           status_labels=SERVICE_REQUEST_STATUS_LABELS,
                           can_close=current_user.has_any_role(APPEAL_ROLES)), status

    @expose("/service-requests/<int:process_id>/close", methods=("POST",))
    def close_process(self, process_id: int):
        self._require(APPEAL_ROLES)
        try:
            process = service.close_service_request(
                self.db_session, process_id, result=request.form.get("result", ""),
                note=request.form.get("note", ""), actor_id=current_user.id, clock=get_clock(),
                version=request.form.get("version", type=int))
        except DomainError as exc:
            self.db_session.rollback()
            errors = ({"_form": translate(exc.message, **exc.params)} if isinstance(exc, Conflict | NotFound)
                      else card_messages(exc))
            return self._render_process(process_id, errors=errors, status=409 if isinstance(exc, Conflict) else 400)
        flash(gettext("%(number)s closed.", number=process.number), "success")
        return redirect(url_for(".process_card", process_id=process.id))
