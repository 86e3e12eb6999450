"""Base classes for every dashboard view: deny by default, open per role, domain errors as flashes."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView
from flask_admin.contrib.sqla import ModelView
from flask_babel import gettext
from flask_login import current_user
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
    """CSV/XLSX cells starting with = + - @ would run as formulas in Excel; prefix them."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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

    def get_export_columns(self):
        # Machine-readable headers (field names) so an export can be imported back unchanged.
        return [(name, name) for name, _label in super().get_export_columns()]

    def get_export_value(self, model, name):
        return neutralise_formula(super().get_export_value(model, name))


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
