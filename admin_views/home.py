"""The home page: each role's day (the wings' panels, refreshed live), what this user can open; for admins what is
left to set up, the catalog counts and the latest changes."""

from __future__ import annotations

from dataclasses import dataclass

from flask import jsonify, url_for
from flask_admin import AdminIndexView, expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.admin.base import RoleAccessMixin
from app.admin.live import rendered
from app.clock import get_clock
from app.domain.roles import ALL_ROLES, Role
from app.home import panels_for


def _accessible_entries(admin):
    entries = []
    for view in admin._views:
        if view is admin.index_view or not view.is_visible() or not view.is_accessible():
            continue
        entries.append({"name": view.name, "category": view.category, "url": view.url + "/"})
    return entries


@dataclass(frozen=True)
class SetupGap:
    """One thing still missing for the dealership to work as set up, and where an admin fixes it."""

    key: str
    text: str
    url: str
    link: str


def setup_gaps(session) -> list[SetupGap]:
    """«Finish setup»: the dealership's name and phone that messages need (a message using an empty one is not
    sent), and every visible contact goal without an active specialist to tell about new traffic."""
    from app.services.regulations import load_regulations
    from catalogs.models import ContactGoal

    regs = load_regulations(session)
    gaps = []
    settings = url_for("regulations.index")
    if not regs.dealer_name.strip():
        gaps.append(SetupGap("dealer_name", gettext("The dealership's name for messages ({dealer_name}) is not set."),
                             settings + "#dealer_name", gettext("Fill it in")))
    if not regs.dealer_phone.strip():
        gaps.append(SetupGap("dealer_phone", gettext("The dealership's phone for messages ({dealer_phone}) is not "
                                                     "set."), settings + "#dealer_phone", gettext("Fill it in")))
    goals = session.scalars(select(ContactGoal).options(selectinload(ContactGoal.specialists))
                            .where(ContactGoal.show_in_list.is_(True)).order_by(ContactGoal.sort_order, ContactGoal.id))
    for goal in goals:
        if not any(user.active for user in goal.specialists):  # as traffic tells them (traffic.service)
            gaps.append(SetupGap(f"contact_goal:{goal.id}", gettext(
                "Nobody is told about new traffic with the contact goal «%(goal)s»: it has no active specialist.",
                goal=goal.name), url_for("contactgoal.edit_view", id=goal.id, url=url_for("admin.index")),
                gettext("Pick the specialists")))
    return gaps


HOME_REFRESH_MS = 15000  # the panels' live refresh: the day moves slower than the bell


def _panels() -> dict:
    from app.extensions import db

    return {"panels": panels_for(db.session, current_user, get_clock().now())}


class HomeView(RoleAccessMixin, AdminIndexView):
    allowed_roles = ALL_ROLES

    @expose("/home/panels")
    def panels(self):
        """The panels again, for their live refresh."""
        html, version = rendered("home/_panels.html", **_panels())
        return jsonify({"html": html, "version": version})

    @expose("/")
    def index(self):
        from app.audit.models import AuditEntry
        from app.extensions import db
        from catalogs.registry import CATALOGS

        catalog_counts = []
        latest_changes = []
        gaps = setup_gaps(db.session) if current_user.has_any_role({Role.ADMIN}) else []
        if current_user.has_any_role({Role.ADMIN}):
            for model in CATALOGS.values():
                total, visible = db.session.execute(
                    select(func.count(model.id), func.count(model.id).filter(model.show_in_list.is_(True)))
                ).one()
                catalog_counts.append((model.__tablename__, total, visible))
            latest_changes = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(10)).all()
        panels = _panels()
        return self.render(
            "admin/home.html", panels_version=rendered("home/_panels.html", **panels)[1], refresh_ms=HOME_REFRESH_MS,
            **panels,
            entries=_accessible_entries(self.admin),
            catalog_counts=catalog_counts,
            latest_changes=latest_changes,
            setup_gaps=gaps,
        )
