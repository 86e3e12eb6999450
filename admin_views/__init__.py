"""Builds a new Flask-Admin `Admin` for every app (a module-level one breaks repeated factories)."""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from catalogs.labels import CATALOG_TITLES


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


def _site_entries() -> list:
    """What the site adds itself: the settings next to the catalogs, the kernel's notifications, users, audit
    log, outbox and two-factor page."""
    from admin_views.audit import AuditView
    from admin_views.calendar import CalendarExceptionView
    from admin_views.settings import RegulationsView
    from admin_views.two_factor import TwoFactorView
    from admin_views.users import UserView
    from app.admin.menu import ADMINISTRATION, CATALOGS, MenuEntry
    from app.audit.models import AuditEntry
    from app.extensions import db
    from app.messaging.admin import OutboxView
    from app.messaging.models import OutboxMessage
    from app.models.calendar import CalendarException
    from app.models.user import User
    from app.notifications.views import NotificationsView

    return [
        MenuEntry(190, lambda: RegulationsView(name=_l("Regulation settings"), category=CATALOGS,
                                               endpoint="regulations")),
        MenuEntry(195, lambda: CalendarExceptionView(CalendarException, db, name=_l("Working calendar exceptions"),
                                                     category=CATALOGS, endpoint="calendarexception")),
        MenuEntry(310, lambda: NotificationsView(name=_l("Notifications"), endpoint="notifications",
                                                 url="/admin/notifications")),
        MenuEntry(800, lambda: UserView(User, db, name=_l("Users"), category=ADMINISTRATION, endpoint="user")),
        MenuEntry(810, lambda: AuditView(AuditEntry, db, name=_l("Audit log"), category=ADMINISTRATION,
                                         endpoint="audit")),
        MenuEntry(820, lambda: OutboxView(OutboxMessage, db, name=_l("Outbox"), category=ADMINISTRATION,
                                          endpoint="outboxmessage")),
        MenuEntry(900, lambda: TwoFactorView(name=_l("Two-factor authentication"), endpoint="twofactor",
                                             url="/admin/2fa")),
    ]


def init_admin(app: Flask) -> Admin:
    """One `Admin` per app, with every view the wings and the site declared, in menu order."""
    from admin_views.audit import entry_text, render_changes
    from admin_views.home import HomeView
    from admin_views.titles import INLINE_ADD_LABELS, RECORD_TITLES
    from app.admin.menu import add_admin_views, declared_views
    from app.audit.service import add_record_titles
    from app.security_headers import csp_nonce

    add_admin_views(app, _site_entries())
    add_record_titles(app, RECORD_TITLES)
    admin = Admin(
        name=_l("Front office"),
        theme=Bootstrap4Theme(swatch="cerulean", fluid=True),
        index_view=HomeView(name=_l("Home"), url="/admin"),
        csp_nonce_generator=csp_nonce,  # Flask-Admin's own <script>/<link> tags carry this request's nonce
    )
    for view in declared_views(app):
        admin.add_view(view)
    admin.init_app(app)

    @app.context_processor
    def _catalog_titles():
        return {"catalog_titles": CATALOG_TITLES, "render_changes": render_changes,
                "audit_headline": lambda entry: entry_text().headline(entry), "unread_count": _unread_count,
                "newest_notification_id": _newest_notification_id}

    def inline_add_label(field) -> str | None:
        label = INLINE_ADD_LABELS.get(getattr(getattr(field, "model", None), "__tablename__", ""))
        return str(label) if label is not None else None

    app.jinja_env.globals["inline_add_label"] = inline_add_label  # widgets render without context processors
    return admin


def _favicon():
    """Browsers ask for /favicon.ico on every page, the login page included."""
    from pathlib import Path

    from flask import Response, current_app

    icon = (Path(current_app.static_folder) / "favicon.svg").read_bytes()
    return Response(icon, mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


def register(app: Flask) -> None:
    """The admin site is the last thing assembled: every wing's views, under one menu."""
    init_admin(app)
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
