"""The audit log, read-only for admins; what a person reads of an audit entry (here and on the home page).

Stored changes are raw column values (codes, ids, UTC ISO times, decimals as text). They are shown as a
person reads them: field titles, codes by their labels, a referenced row by its name, times in the
dealership's zone, money as «46 700,00 ₽», a list of steps one line per step.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from admin_views.titles import ENTITY_TITLES, HIDDEN_FIELDS, VALUE_LABELS, field_label
from app.admin.base import ADMIN_ONLY, MONEY_COLUMNS, JournalView, decimal_text, money_text
from app.i18n import format_local, translate

ACTION_LABELS = {"create": _l("created"), "update": _l("changed"), "delete": _l("deleted")}
ISO_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?")
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
ISO_TIME = re.compile(r"\d\d:\d\d(:\d\d)?")
DECIMAL = re.compile(r"-?\d+\.\d+")
SQLALCHEMY_REPR = re.compile(r"<\w+ .*>")


def _mapped_class(table: str):
    from app.extensions import db

    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table:
            return mapper.class_
    return None


def _views_by_table() -> dict[str, list]:
    """The admin views (and their inline forms) of each table: their column titles and code choices."""
    found: dict[str, list] = {}
    for admin in current_app.extensions.get("admin", []):
        for view in admin._views:
            model = getattr(view, "model", None)
            if model is not None:
                found.setdefault(model.__tablename__, []).append(
                    (getattr(view, "column_labels", None) or {}, getattr(view, "form_choices", None) or {}))
            for inline in getattr(view, "inline_models", None) or ():
                if isinstance(inline, tuple):
                    inline_model, options = inline
                    labels, choices = options.get("column_labels") or {}, options.get("form_choices") or {}
                else:
                    inline_model = getattr(inline, "model", None)
                    labels = getattr(inline, "column_labels", None) or {}
                    choices = getattr(inline, "form_choices", None) or {}
                if inline_model is not None:
                    found.setdefault(inline_model.__tablename__, []).append((labels, choices))
    return found


class EntryText:
    """Readable titles and values of audit entries; one per page (it caches the rows it looks up)."""

    def __init__(self) -> None:
        self._views = _views_by_table()
        self._rows: dict[tuple[str, object], str] = {}

    # ----- titles
    def field_title(self, entity: str, field: str) -> str:
        for labels, _choices in self._views.get(entity, ()):
            if field in labels:
                return str(labels[field])
        if field.endswith("_id"):
            short = field[:-3]
            for labels, _choices in self._views.get(entity, ()):
                if short in labels:
                    return str(labels[short])
            titled = field_label(short)
            if titled != short:
                return titled
        return field_label(field)

    def record_title(self, entry) -> str:
        """The record's own name as it was written, or (for older entries) its present name."""
        label = entry.entity_label or ""
        registered = entry.entity in current_app.extensions.get("audit_record_titles", {})
        if label and not SQLALCHEMY_REPR.fullmatch(label) and not registered:
            return label
        present = self._row_name(entry.entity, entry.entity_id, missing="") if entry.entity_id else ""
        return present or ("" if SQLALCHEMY_REPR.fullmatch(label) else label) or (
            gettext("No. %(id)s", id=entry.entity_id) if entry.entity_id else "")

    def headline(self, entry) -> str:
        """«Регламенты касаний: Квалификация пройдена…» — the table's title and the record's name."""
        table = str(ENTITY_TITLES.get(entry.entity, entry.entity))
        name = self.record_title(entry)
        return f"{table}: {name}" if name else table

    # ----- values
    def _row_name(self, table: str, row_id, missing: str | None = None) -> str:
        from app.audit.service import record_title
        from app.extensions import db

        key = (table, row_id)
        if key not in self._rows:
            model = _mapped_class(table)
            row = db.session.get(model, row_id) if model is not None and str(row_id).isdigit() else None
            self._rows[key] = record_title(row) if row is not None else ""
        if not self._rows[key]:
            return gettext("No. %(id)s", id=row_id) if missing is None else missing
        return self._rows[key]

    def _code_label(self, entity: str, field: str, value) -> str | None:
        for _labels, choices in self._views.get(entity, ()):
            for code, label in choices.get(field, ()):
                if code == value:
                    return str(label)
        labels = VALUE_LABELS.get((entity, field)) or VALUE_LABELS.get(("", field))
        if labels and value in labels:
            label = labels[value]
            return translate(label) if isinstance(label, str) else str(label)
        return None

    def _referenced_table(self, entity: str, field: str) -> str | None:
        model = _mapped_class(entity)
        column = model.__table__.columns.get(field) if model is not None else None
        if column is None or not column.foreign_keys:
            return None
        return next(iter(column.foreign_keys)).column.table.name

    def value(self, entity: str, field: str, value) -> str:
        if value is None or value == "" or value == []:
            return ""
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if isinstance(value, list):
            if value and all(isinstance(v, dict) for v in value):
                return "\n".join(self.line(entity, item, number) for number, item in enumerate(value, start=1))
            return ", ".join(self.item(entity, field, v) for v in value)
        if isinstance(value, dict):
            return self.line(entity, value, None)
        label = self._code_label(entity, field, value)
        if label is not None:
            return label
        table = self._referenced_table(entity, field)
        if table is not None:
            return self._row_name(table, value)
        text = str(value)
        if field in MONEY_COLUMNS and DECIMAL.fullmatch(text) or field in MONEY_COLUMNS and text.isdigit():
            return money_text(Decimal(text))
        if isinstance(value, str) and ISO_DATETIME.fullmatch(text):
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return format_local(moment) if moment.tzinfo else moment.strftime("%d.%m.%Y %H:%M")
        if isinstance(value, str) and ISO_DATE.fullmatch(text):
            return dt.date.fromisoformat(text).strftime("%d.%m.%Y")
        if isinstance(value, str) and ISO_TIME.fullmatch(text):
            return text[:5]
        if isinstance(value, str) and DECIMAL.fullmatch(text):
            try:
                return decimal_text(Decimal(text))
            except InvalidOperation:
                return text
        return text

    def item(self, entity: str, field: str, value) -> str:
        """One element of a list field: a role by its label, a user (stored by login) by their name."""
        label = self._code_label(entity, field, value)
        if label is not None:
            return label
        if field in ("specialists", "users", "recipients") and isinstance(value, str):
            from sqlalchemy import select

            from app.extensions import db
            from app.models.user import User

            user = db.session.scalar(select(User).where(User.username == value))
            return str(user) if user is not None else value
        return str(value)

    def line(self, entity: str, item: dict, number: int | None) -> str:
        """A step (or another small record kept as a dict) on one line: «1. Действие: Звонок; День: 1»."""
        child = VALUE_LABELS.get(("", "__children__"), {}).get(entity, entity)
        parts = []
        for key, raw in item.items():
            if key in HIDDEN_FIELDS:
                continue
            shown = self.value(child, key, raw)
            if shown:
                parts.append(f"{self.field_title(child, key)}: {shown}")
        text = "; ".join(parts)
        return f"{number}. {text}" if number is not None else text

    def changes(self, entry) -> list[tuple[str, str, str]]:
        """(field title, before, after) for every field a person cares about."""
        rows = []
        for field, pair in sorted((entry.changes or {}).items()):
            if field in HIDDEN_FIELDS or field.endswith("_code"):
                continue
            before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            rows.append((self.field_title(entry.entity, field), self.value(entry.entity, field, before),
                         self.value(entry.entity, field, after)))
        return rows

    def changes_html(self, entry) -> Markup:
        """before → after per field; a created value shows only its «after»; several lines stay lines."""
        items = []
        for title, before, after in self.changes(entry):
            was = Markup("<del>{}</del> → ").format(before) if before else ""
            # a value cleared reads «было → —», not an arrow to nothing
            shown = after or ("—" if before else "")
            items.append(Markup("<li><b>{}</b>: {}<ins>{}</ins></li>").format(title, was, shown))
        return Markup('<ul class="audit-changes">') + Markup("").join(items) + Markup("</ul>")

    def changes_text(self, entry) -> str:
        return "\n".join(f"{title}: {before + ' → ' if before else ''}{after or ('—' if before else '')}"
                         for title, before, after in self.changes(entry))


def entry_text() -> EntryText:
    """One `EntryText` per request (flask.g), so a page looks each referenced row up once."""
    from flask import g

    if "audit_entry_text" not in g:
        g.audit_entry_text = EntryText()
    return g.audit_entry_text


def render_changes(entry) -> Markup:
    return entry_text().changes_html(entry)


class AuditView(JournalView):
    allowed_roles = ADMIN_ONLY
    can_export = True
    export_types = ["csv", "xlsx"]
    column_list = ("at", "actor", "action", "entity", "entity_label", "changes")
    column_export_list = ("at", "actor", "action", "entity", "entity_id", "entity_label", "changes")
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
        "changes": lambda v, c, m, n: render_changes(m),
        "actor": lambda v, c, m, n: str(m.actor) if m.actor else "—",
        "at": lambda v, c, m, n: format_local(m.at),
        "entity": lambda v, c, m, n: ENTITY_TITLES.get(m.entity, m.entity),
        "entity_label": lambda v, c, m, n: entry_text().record_title(m),
    }
    column_formatters_export = {
        "action": lambda v, c, m, n: str(ACTION_LABELS.get(m.action, m.action)),
        "changes": lambda v, c, m, n: entry_text().changes_text(m),
        "actor": lambda v, c, m, n: str(m.actor or ""),
        "at": lambda v, c, m, n: format_local(m.at),
        "entity": lambda v, c, m, n: str(ENTITY_TITLES.get(m.entity, m.entity)),
        "entity_label": lambda v, c, m, n: entry_text().record_title(m),
    }
