"""Builds a new Flask-Admin `Admin` for every app (a module-level one breaks repeated factories)."""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from admin_views.titles import CATALOG_TITLES


def _unread_count() -> int:
    """For the navbar badge: one indexed COUNT, only when a page asks for it."""
    from flask_login import current_user

    from app.extensions import db
    from app.notifications.service import unread_count

    return unread_count(db.session, current_user.id) if current_user.is_authenticated else 0


def _newest_notification_id() -> int:
    """The live poll shows only notifications newer than the page."""
    from flask_login import current_user
    from sqlalchemy import func, select

    from app.extensions import db
    from app.notifications.models import Notification

    if not current_user.is_authenticated:
        return 0
    return db.session.scalar(select(func.max(Notification.id)).where(Notification.user_id == current_user.id)) or 0


def _add_client_views(admin: Admin, db) -> None:
    from app.notifications.views import NotificationsView
    from appeals.views import AppealsView
    from clients.views import ClientsView
    from desk.admin import BookingView
    from desk.models import Booking
    from desk.views import DeskView
    from documents import admin as document_admin
    from documents import models as dm
    from leads.views import LeadsView
    from traffic.admin import TrafficJournalView
    from traffic.models import Traffic
    from traffic.views import TrafficView

    admin.add_view(ClientsView(name=_l("Clients and cars"), endpoint="clients", url="/admin/clients"))
    admin.add_view(DeskView(name=_l("Service bookings"), endpoint="desk", url="/admin/desk"))
    admin.add_view(NotificationsView(name=_l("Notifications"), endpoint="notifications",
                                     url="/admin/notifications"))
    admin.add_view(TrafficView(name=_l("Incoming traffic"), endpoint="traffic", url="/admin/traffic"))
    admin.add_view(TrafficJournalView(Traffic, db, name=_l("Incoming traffic journal"), endpoint="trafficjournal"))
    admin.add_view(AppealsView(name=_l("Appeals"), endpoint="appeals", url="/admin/appeals"))
    admin.add_view(LeadsView(name=_l("Leads"), endpoint="leads", url="/admin/leads"))
    documents = _l("Documents")
    for model, view_class, endpoint, title in (
        (Booking, BookingView, "booking", _l("Pre-bookings")),
        (dm.WorkOrder, document_admin.WorkOrderView, "workorder", _l("Work orders")),
        (dm.RepairVisit, document_admin.RepairVisitView, "repairvisit", _l("Repair visits")),
        (dm.WorkSheet, document_admin.WorkSheetView, "worksheet", _l("Work sheets")),
        (dm.PartsReservation, document_admin.PartsReservationView, "partsreservation", _l("Parts reservations")),
    ):
        admin.add_view(view_class(model, db, name=title, category=documents, endpoint=endpoint))


def init_admin(app: Flask) -> Admin:
    from admin_views.audit import AuditView
    from admin_views.calendar import CalendarExceptionView
    from admin_views.home import HomeView
    from admin_views.settings import RegulationsView
    from admin_views.two_factor import TwoFactorView
    from admin_views.users import UserView
    from app.audit.models import AuditEntry
    from app.extensions import db
    from app.messaging.admin import OutboxView
    from app.messaging.models import OutboxMessage
    from app.models.calendar import CalendarException
    from app.models.user import User
    from app.security_headers import csp_nonce
    from catalogs import admin as catalog_admin
    from catalogs import models as cm
    from leads.admin import CadenceView

    admin = Admin(
        name=_l("Front office"),
        theme=Bootstrap4Theme(swatch="cerulean", fluid=True),
        index_view=HomeView(name=_l("Home"), url="/admin"),
        csp_nonce_generator=csp_nonce,  # Flask-Admin's own <script>/<link> tags carry this request's nonce
    )
    catalogs = _l("Catalogs")
    for model, view_class, endpoint in (
        (cm.AppealCategory, catalog_admin.AppealCategoryView, "appealcategory"),
        (cm.CancellationReason, catalog_admin.CancellationReasonView, "cancellationreason"),
        (cm.ContactGoal, catalog_admin.ContactGoalView, "contactgoal"),
        (cm.IgnoreReason, catalog_admin.IgnoreReasonView, "ignorereason"),
        (cm.LeadStage, catalog_admin.LeadStageView, "leadstage"),
        (cm.LossReason, catalog_admin.LossReasonView, "lossreason"),
        (cm.MessageTemplate, catalog_admin.MessageTemplateView, "messagetemplate"),
        (cm.Cadence, CadenceView, "cadence"),
        (cm.Work, catalog_admin.WorkView, "work"),
    ):
        admin.add_view(view_class(model, db, name=CATALOG_TITLES[model.__tablename__], category=catalogs,
                                  endpoint=endpoint))
    admin.add_view(RegulationsView(name=_l("Regulation settings"), category=catalogs, endpoint="regulations"))
    admin.add_view(CalendarExceptionView(CalendarException, db, name=_l("Working calendar exceptions"),
                                         category=catalogs, endpoint="calendarexception"))
    _add_client_views(admin, db)
    administration = _l("Administration")
    admin.add_view(UserView(User, db, name=_l("Users"), category=administration, endpoint="user"))
    admin.add_view(AuditView(AuditEntry, db, name=_l("Audit log"), category=administration, endpoint="audit"))
    admin.add_view(OutboxView(OutboxMessage, db, name=_l("Outbox"), category=administration,
                              endpoint="outboxmessage"))
    admin.add_view(TwoFactorView(name=_l("Two-factor authentication"), endpoint="twofactor", url="/admin/2fa"))
    admin.init_app(app)

    from admin_views.audit import render_changes

    @app.context_processor
    def _catalog_titles():
        return {"catalog_titles": CATALOG_TITLES, "render_changes": render_changes, "unread_count": _unread_count,
                "newest_notification_id": _newest_notification_id}

    return admin


def register(app: Flask) -> None:
    """The admin site is the last thing assembled: every wing's views, under one menu."""
    init_admin(app)
