"""The audit log, read-only for admins."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from admin_views.titles import ENTITY_TITLES, field_label
from app.admin.base import ADMIN_ONLY, JournalView
from app.i18n import format_local

ACTION_LABELS = {"create": _l("created"), "update": _l("changed"), "delete": _l("deleted")}


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def render_changes(changes: dict) -> Markup:
    """before → after per field; a created value shows only its «after»."""
    items = []
    for field, pair in sorted((changes or {}).items()):
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        was = Markup("<del>{}</del> → ").format(_shown(before)) if before not in (None, "", []) else ""
        items.append(Markup("<li><b>{}</b>: {}<ins>{}</ins></li>").format(field_label(field), was, _shown(after)))
    return Markup('<ul class="audit-changes">') + Markup("").join(items) + Markup("</ul>")


class AuditView(JournalView):
    allowed_roles = ADMIN_ONLY
    can_export = True
    export_types = ["csv", "xlsx"]
    column_list = ("at", "actor", "action", "entity", "entity_id", "entity_label", "changes")
    column_filters = ("entity", "action", "actor.username")
    column_labels = {
        "at": _l("When"),
        "actor": _l("Who"),
        "action": _l("Action"),
        "entity": _l("Table"),
        "entity_id": _l("Record"),
        "entity_label": _l("Name"),
        "changes": _l("Before → after"),
        "actor.username": _l("Who (login)"),
    }
    column_formatters = {
        "action": lambda v, c, m, n: ACTION_LABELS.get(m.action, m.action),
        "changes": lambda v, c, m, n: render_changes(m.changes),
        "actor": lambda v, c, m, n: str(m.actor) if m.actor else "—",
        "at": lambda v, c, m, n: format_local(m.at),
        "entity": lambda v, c, m, n: ENTITY_TITLES.get(m.entity, m.entity),
    }
    column_formatters_export = {"changes": lambda v, c, m, n: str(m.changes), "actor": lambda v, c, m, n: str(m.actor or "")}
