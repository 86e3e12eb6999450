"""Base classes for every dashboard view: deny by default, open per role, domain errors as flashes."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import itertools
import logging
import re

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_admin import BaseView
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.contrib.sqla.typefmt import DEFAULT_FORMATTERS
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from sqlalchemy.orm.exc import StaleDataError
from wtforms.validators import ValidationError

from app.admin.search import LiteralSearchMixin
from app.auth import is_safe_next
from app.domain.errors import DomainError
from app.domain.i18n import N_
from app.domain.roles import Role
from app.i18n import translate

log = logging.getLogger(__name__)

# Flask-Admin flashes these without a Russian translation of its own; admin/master.html translates
# flashed messages through our catalog, so they are listed here for extraction.
UPSTREAM_MESSAGES = (N_("Failed to create record."), N_("Failed to save record."),
                     N_("Record was successfully created."), N_("Record was successfully saved."))

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# «+7 908 494-44-34», «+7 (908) 4944434»: a phone as written is text, not a formula.
PHONE_AS_WRITTEN = re.compile(r"\+\d[\d\s()\-]*")
# What an empty choice of a picker reads (WTForms would show its value, «__None»).
BLANK_CHOICE = "—"
# Columns holding money, shown as «46 700,00 ₽» in lists and details.
MONEY_COLUMNS = frozenset({"price", "total", "paid", "amount", "debt"})
RECORD_ID_LABEL = _l("Record ID")


class RoleAccessMixin:
    """A view is closed unless the user holds one of `allowed_roles` (empty = nobody)."""

    allowed_roles: frozenset[str] = frozenset()

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.has_any_role(self.allowed_roles)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        log.warning("access denied: user=%s endpoint=%s", current_user.id, request.endpoint)
        abort(403)


def domain_error_message(exc: DomainError) -> str:
    return translate(exc.message, **exc.params)


def field_messages(exc: DomainError) -> dict[str, str]:
    """A domain error as translated messages by field (`_form` when it names no field)."""
    messages = {name: translate(text) for name, text in exc.fields.items()}
    return messages or {"_form": translate(exc.message, **exc.params)}


def card_messages(exc: DomainError) -> dict[str, str]:
    """`field_messages` for a card with several small forms: the problem is also said at the top of the
    card (`_form`), since the field at fault may be in a form the card shows lower down, or not at all
    in the record's present state (a client already linked hides «identify»)."""
    messages = field_messages(exc)
    messages.setdefault("_form", translate(exc.message, **exc.params))
    return messages


def neutralise_formula(value):
    """A CSV cell starting with = + - @ (or a tab / carriage return) would run as a formula in a spreadsheet;
    it gets a leading apostrophe. A phone as written («+7 908 494-44-34») stays as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not PHONE_AS_WRITTEN.fullmatch(value):
        return "'" + value
    return value


def money_text(value) -> str:
    """`46700` → «46 700,00 ₽»."""
    from app.i18n import format_money

    return f"{format_money(value)}\u00a0₽"


def decimal_text(value: decimal.Decimal) -> str:
    """`1.50` → «1,50» (the decimal comma, as in money)."""
    return f"{value:.2f}".replace(".", ",")


def _local_datetime(view, value, name):
    from app.i18n import dealership_timezone, format_local

    if value.tzinfo is None:  # a naive value is already local (wall-clock columns)
        return value.strftime("%d.%m.%Y %H:%M")
    return format_local(value.astimezone(dealership_timezone()))


# Lists and details: times in the dealership's zone, days as dd.mm.yyyy, numbers with the decimal comma.
LOCAL_FORMATTERS = {
    dt.datetime: _local_datetime,
    dt.date: lambda view, value, name: value.strftime("%d.%m.%Y"),
    dt.time: lambda view, value, name: value.strftime("%H:%M"),
    decimal.Decimal: lambda view, value, name: decimal_text(value),
    **DEFAULT_FORMATTERS,
}


def export_cell(value):
    """A value as an export writes it: aware times in the dealership's zone, everything else as it is."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        from app.i18n import format_local

        return format_local(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat() if not isinstance(value, dt.time) else value.strftime("%H:%M")
    return value


def _xlsx_row(sheet, values):
    """Cells where every string is a string (openpyxl would read one starting with «=» as a formula)."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        number = isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)
        cell = WriteOnlyCell(sheet, value=None if value is None else value if number else str(value))
        if cell.data_type == "f":
            cell.data_type = "s"
        cells.append(cell)
    return cells


def write_xlsx(out, headers, rows) -> None:
    """A workbook written row by row into `out` (a path or a binary file): constant memory whatever `rows` is."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(_xlsx_row(sheet, headers))
    for row in rows:
        sheet.append(_xlsx_row(sheet, row))
    book.save(out)


def _sent_and_closed(out, chunk: int = 64 * 1024):
    """A written temporary file sent from its start in chunks, then closed."""
    try:
        out.seek(0)
        while block := out.read(chunk):
            yield block
    finally:
        out.close()


def xlsx_bytes(headers: list[str], rows: list[list]) -> bytes:
    """A small table (a KPI chart's) as a workbook in memory."""
    out = io.BytesIO()
    write_xlsx(out, headers, rows)
    return out.getvalue()


class StaffModelConverter(AdminModelConverter):
    """Pickers whose choice may be empty show «—» for it, not WTForms' «__None»."""

    def _model_select_field(self, prop, multiple, remote_model, **kwargs):
        if not multiple and kwargs.get("allow_blank"):
            kwargs.setdefault("blank_text", BLANK_CHOICE)
        return super()._model_select_field(prop, multiple, remote_model, **kwargs)


WRITE_METHODS = frozenset({"create_view", "edit_view", "delete_view", "action_view", "ajax_update"})


class SessionMixin:
    @property
    def db_session(self):
        from app.extensions import db

        return db.session


class SafeRedirectMixin:
    """Redirects and «back» links stay on this site.

    Flask-Admin follows its `url` parameter after create, edit, delete and actions through its own
    `is_safe_url`, which lets `http:/evil.com` through (the browser reads `http:///evil.com` as
    another host). Here the parameter is followed only when `is_safe_next` accepts it, and any
    redirect a view answers with is checked once more on the way out.
    """

    def return_url(self) -> str:
        target = request.values.get("url")
        return target if is_safe_next(target) else self.get_url(".index_view")

    def get_save_return_url(self, model, is_created=False):
        return self.return_url()

    def render(self, template, **kwargs):
        if "return_url" in kwargs and not is_safe_next(kwargs["return_url"]):
            kwargs["return_url"] = self.get_url(".index_view")
        return super().render(template, **kwargs)

    def _run_view(self, fn, *args, **kwargs):
        response = super()._run_view(fn, *args, **kwargs)
        location = getattr(response, "location", None)
        if location is not None and 300 <= response.status_code < 400 and not is_safe_next(location):
            log.warning("off-site redirect refused: endpoint=%s target=%r", request.endpoint, location)
            response.location = self.get_url(".index_view")
        return response


class StaffModelView(LiteralSearchMixin, SafeRedirectMixin, SessionMixin, RoleAccessMixin, ModelView):
    """`allowed_roles` may open the view; only `edit_roles` (default: the same) may change anything.
    Searches take `%` and `_` literally (app/admin/search.py)."""

    page_size = 50
    can_set_page_size = False
    edit_roles: frozenset[str] | None = None
    model_form_converter = StaffModelConverter
    column_type_formatters = LOCAL_FORMATTERS
    column_type_formatters_detail = LOCAL_FORMATTERS
    money_columns: frozenset[str] = MONEY_COLUMNS

    def can_write(self) -> bool:
        roles = self.allowed_roles if self.edit_roles is None else self.edit_roles
        return current_user.is_authenticated and current_user.has_any_role(roles)

    def _handle_view(self, name, **kwargs):
        denied = super()._handle_view(name, **kwargs)
        if denied is None and name in WRITE_METHODS and not self.can_write():
            log.warning("write denied: user=%s endpoint=%s", current_user.id, request.endpoint)
            abort(403)
        return denied

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, DomainError):
            flash(domain_error_message(exc), "error")
            return True
        if isinstance(exc, StaleDataError):
            flash(gettext("Someone else has just changed this record. Reload it and repeat your change."), "error")
            return True
        return super().handle_view_exception(exc)

    def _money_value(self, model, name, formatters):
        if name in self.money_columns and name not in formatters:
            value = self._get_field_value(model, name)
            if isinstance(value, decimal.Decimal | int | float) and not isinstance(value, bool):
                return money_text(value)
        return None

    @pass_context
    def get_list_value(self, context, model, name):
        money = self._money_value(model, name, self.column_formatters)
        return money if money is not None else super().get_list_value(context, model, name)

    @pass_context
    def get_detail_value(self, context, model, name):
        money = self._money_value(model, name, self.column_formatters_detail or self.column_formatters)
        return money if money is not None else super().get_detail_value(context, model, name)

    # ----- exports: titles in the user's language; CSV cells formula-safe; XLSX strings as string cells
    def get_export_columns(self):
        return [(name, RECORD_ID_LABEL if name == "id" else label) for name, label in super().get_export_columns()]

    def export_header_fields(self) -> dict[str, str]:
        """Every header an export may carry (the field name, its title in each UI language) → the field."""
        from flask import current_app

        fields: dict[str, str] = {}
        for name, label in self._export_columns:
            fields[name] = name
            for locale in current_app.config["LANGUAGES"]:
                with force_locale(locale):
                    fields[str(label)] = name
        return fields

    def get_export_value(self, model, name):
        value = export_cell(super().get_export_value(model, name))
        return neutralise_formula(value) if g.get("export_type") == "csv" else value

    def _export_query(self):
        """The list's query with its search, filters and sort, unpaged and not yet run."""
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        _count, query = self.get_list(0, sort[0] if sort else None, args.sort_desc, args.search, args.filters,
                                      execute=False, page_size=0)
        return query

    def _export_data(self):
        """Every row of the list, read in batches as the response is written (a server-side cursor on
        PostgreSQL): the first byte leaves at once and memory stays flat however long the list is."""
        from flask import current_app

        return None, self._export_query().yield_per(current_app.config["EXPORT_BATCH_ROWS"])

    def _export_csv(self, return_url):
        g.export_type = "csv"
        response = super()._export_csv(return_url)
        rows = response.response
        response.response = itertools.chain(["\ufeff"], rows)  # a BOM: spreadsheets then read the file as UTF-8
        return response

    def _export_tablib(self, export_type, return_url):
        g.export_type = export_type
        if export_type != "xlsx":
            return super()._export_tablib(export_type, return_url)
        import tempfile

        from flask import current_app
        from werkzeug.utils import secure_filename

        cap = current_app.config["EXPORT_XLSX_MAX_ROWS"]
        if self._export_query().limit(cap + 1).count() > cap:
            flash(gettext("An Excel file holds at most %(cap)s rows: narrow the list with the filters or "
                          "export it as CSV, which has no limit.", cap=f"{cap:,}".replace(",", "\u00a0")), "error")
            return redirect(return_url)
        _count, data = self._export_data()
        rows = ([self.get_export_value(row, name) for name, _label in self._export_columns] for row in data)
        out = tempfile.TemporaryFile()  # on disk, not in memory; closed (and gone) once sent
        write_xlsx(out, [label for _name, label in self._export_columns], rows)
        filename = secure_filename(self.get_export_name("xlsx"))
        return Response(_sent_and_closed(out), headers={"Content-Disposition": f"attachment;filename={filename}",
                                                        "Content-Length": str(out.tell())},
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class JournalView(StaffModelView):
    """A read-only journal, newest first, paged without counting every row."""

    can_create = False
    can_edit = False
    can_delete = False
    simple_list_pager = True
    column_default_sort = ("id", True)


class StaffBaseView(SessionMixin, RoleAccessMixin, BaseView):
    pass


def raise_validation(exc: DomainError) -> None:
    raise ValidationError(domain_error_message(exc)) from exc


ADMIN_ONLY = frozenset({Role.ADMIN})
