"""The user's notifications (timers and desks write them; a badge in the navbar counts the unread)."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from app.admin.base import StaffBaseView
from app.clock import get_clock
from app.domain.roles import ALL_ROLES
from app.notifications.service import mark_read, message_of, recent

TARGET_ENDPOINTS = {"booking": ("desk.card", "booking_id"), "lead": ("leads.card", "lead_id")}  # traffic gets its card with the reception panel


def target_url(notification) -> str | None:
    route = TARGET_ENDPOINTS.get(notification.target_type)
    if route is None or notification.target_id is None:
        return None
    return url_for(route[0], **{route[1]: notification.target_id})


class NotificationsView(StaffBaseView):
    allowed_roles = ALL_ROLES

    def is_visible(self) -> bool:
        return False  # reached through the bell in the navbar

    @expose("/")
    def index(self):
        items = recent(self.db_session, current_user.id, limit=100)
        return self.render("admin/notifications.html", items=[(n, message_of(n), target_url(n)) for n in items])

    @expose("/read", methods=("POST",))
    def read(self):
        ids = [int(value) for value in request.form.getlist("id") if value.isdigit()] or None
        mark_read(self.db_session, current_user.id, ids, clock=get_clock())
        return redirect(url_for(".index"))
