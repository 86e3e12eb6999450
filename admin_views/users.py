"""Admins manage staff accounts: roles, activity and passwords."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import PasswordField
from wtforms.validators import Optional, ValidationError

from app.admin.base import ADMIN_ONLY, StaffModelView
from app.clock import get_clock
from app.domain.roles import own_account_problem
from app.i18n import translate
from app.services.users import password_problem


class UserView(StaffModelView):
    allowed_roles = ADMIN_ONLY
    can_delete = False  # people leave; their history stays: disable instead
    column_list = ("username", "full_name", "email", "roles", "active", "totp_enabled", "created_at")
    column_searchable_list = ("username", "full_name", "email")
    column_filters = ("active",)
    column_default_sort = ("username", False)
    form_columns = ("username", "full_name", "email", "roles", "active", "new_password")
    form_extra_fields = {"new_password": PasswordField(_l("New password"), validators=[Optional()])}
    column_labels = {
        "username": _l("Login"),
        "full_name": _l("Full name"),
        "email": _l("E-mail"),
        "roles": _l("Roles"),
        "active": _l("Active"),
        "totp_enabled": _l("Two-factor authentication"),
        "created_at": _l("Created"),
    }
    column_formatters = {"roles": lambda v, c, m, n: ", ".join(str(r) for r in m.roles)}

    def validate_form(self, form):
        valid = super().validate_form(form)
        if "new_password" not in form:
            return valid
        password = form.new_password.data or ""
        creating = getattr(form, "is_create", False)
        problem = password_problem(password) if password else None
        if problem:
            form.new_password.errors = [*form.new_password.errors, translate(problem)]
            return False
        if creating and not password:
            form.new_password.errors = [*form.new_password.errors, gettext("Set a password for the new user.")]
            return False
        if "roles" in form and not form.roles.data:
            form.roles.errors = [*form.roles.errors, gettext("Give the user at least one role.")]
            return False
        return valid

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.is_create = True
        return form

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.created_at = get_clock().now()
        if form.new_password.data:
            model.set_password(form.new_password.data)
        if not model.active:
            model.rotate_session()
        problem = own_account_problem(editing_self=model.id == current_user.id, active=model.active,
                                      role_codes=model.role_codes)
        if problem:
            raise ValidationError(translate(problem))
