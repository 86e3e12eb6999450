"""The home page: what this user can open; for admins the catalog counts and the latest changes."""

from __future__ import annotations

from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from app.admin.base import RoleAccessMixin
from app.domain.roles import ALL_ROLES, Role


def _accessible_entries(admin):
    entries = []
    for view in admin._views:
        if view is admin.index_view or not view.is_visible() or not view.is_accessible():
            continue
        entries.append({"name": view.name, "category": view.category, "url": view.url + "/"})
    return entries


class HomeView(RoleAccessMixin, AdminIndexView):
    allowed_roles = ALL_ROLES

    @expose("/")
    def index(self):
        from app.audit.models import AuditEntry
        from app.extensions import db
        from catalogs.registry import CATALOGS

        catalog_counts = []
        latest_changes = []
        if current_user.has_any_role({Role.ADMIN}):
            for model in CATALOGS.values():
                total, visible = db.session.execute(
                    select(func.count(model.id), func.count(model.id).filter(model.show_in_list.is_(True)))
                ).one()
                catalog_counts.append((model.__tablename__, total, visible))
            latest_changes = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(10)).all()
        return self.render(
            "admin/home.html",
            entries=_accessible_entries(self.admin),
            catalog_counts=catalog_counts,
            latest_changes=latest_changes,
        )
