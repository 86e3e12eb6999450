"""The user's notifications (timers and desks write them; a badge in the navbar counts the unread).

Every notification links to what it is about through `target_url`: the one place that maps a target
(a traffic, a booking, a lead, a day of the confirmation desk) to a page. A link is given only when the
user may open that page; otherwise the notification is shown as text (never a link to a 403).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import abort, current_app, jsonify, redirect, request, session, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from app.admin.base import StaffBaseView
from app.auth import is_safe_next
from app.clock import get_clock
from app.domain.roles import ALL_ROLES
from app.extensions import db
from app.i18n import format_local, translate
from app.notifications.models import Notification
from app.notifications.service import mark_read, message_of, recent, unread, unread_count


def _day(target_id: int) -> dict:
    return {"day": date.fromordinal(target_id).isoformat()}


# target type → the pages that show it, the first one the user may open wins. Endpoints are names, not
# imports: a wing left out of WINGS has no view, so its notifications simply carry no link.
TARGET_ROUTES: dict[str, tuple[tuple[str, Callable[[int], dict]], ...]] = {
    "traffic": (("traffic.card", lambda i: {"traffic_id": i}),),
    "booking": (("desk.card", lambda i: {"booking_id": i}),),
    "lead": (("leads.card", lambda i: {"lead_id": i}),),
    "desk": (("desk.index", _day),),  # the confirmation list of that day (the target id is the day's ordinal)
}
LOGIN_PANEL_SIZE = 5
BELL_SIZE = 8
PANEL_SHOWN = "unread_panel_shown"  # the session key: the login's panel was shown (login clears the session)


def _view_of(endpoint: str):
    name = endpoint.partition(".")[0]
    for admin in current_app.extensions.get("admin", []):
        for view in admin._views:
            if view.endpoint == name:
                return view
    return None


def target_url(notification) -> str | None:
    """The page of what the notification is about, if the current user may open it."""
    if notification.target_id is None:
        return None
    for endpoint, arguments in TARGET_ROUTES.get(notification.target_type, ()):
        view = _view_of(endpoint)
        if view is not None and view.is_accessible():
            return url_for(endpoint, **arguments(notification.target_id))
    return None


def open_url(notification) -> str | None:
    """The notification's link: opening it marks it read and goes to its target (None without a target)."""
    return url_for("notifications.follow", notification_id=notification.id) if target_url(notification) else None


def shown(notes) -> list[tuple]:
    return [(note, message_of(note), open_url(note)) for note in notes]


def login_unread() -> list[tuple]:
    """The newest unread notifications, once per login: the first page after it shows them as a panel."""
    if not current_user.is_authenticated or session.get(PANEL_SHOWN):
        return []
    session[PANEL_SHOWN] = True
    return shown(unread(db.session, current_user.id, limit=LOGIN_PANEL_SIZE))


class NotificationsView(StaffBaseView):
    allowed_roles = ALL_ROLES

    def is_visible(self) -> bool:
        return False  # reached through the bell in the navbar

    def create_blueprint(self, admin):
        blueprint = super().create_blueprint(admin)
        blueprint.app_context_processor(lambda: {"login_unread": login_unread})  # admin/master.html's panel
        return blueprint

    @expose("/")
    def index(self):
        items = recent(self.db_session, current_user.id, limit=100)
        return self.render("admin/notifications.html", items=shown(items))

    @expose("/poll")
    def poll(self):
        """For the bell: the unread count, the newest unread (shown once as it arrives) and the newest few."""
        items = [{"id": note.id, "text": translate(message), "url": link, "at": format_local(note.created_at)}
                 for note, message, link in shown(unread(self.db_session, current_user.id, limit=BELL_SIZE))]
        return jsonify(unread=unread_count(self.db_session, current_user.id), newest=items[0] if items else None,
                       items=items, all_url=url_for(".index"))

    @expose("/<int:notification_id>/open")
    def follow(self, notification_id: int):
        note = self.db_session.scalar(select(Notification).where(Notification.id == notification_id,
                                                                 Notification.user_id == current_user.id))
        if note is None:
            abort(404)
        target = target_url(note)
        if note.read_at is None:
            mark_read(self.db_session, current_user.id, [note.id], clock=get_clock())
        return redirect(target or url_for(".index"))

    @expose("/read", methods=("POST",))
    def read(self):
        ids = [int(value) for value in request.form.getlist("id") if value.isdigit()] or None
        mark_read(self.db_session, current_user.id, ids, clock=get_clock())
        back = request.form.get("next")
        return redirect(back if is_safe_next(back) else url_for(".index"))
