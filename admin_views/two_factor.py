"""Every user's own second factor: set it up with a QR code, confirm it with a code, turn it off."""

from __future__ import annotations

import io
import logging

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.admin.base import StaffBaseView
from app.clock import get_clock
from app.domain.errors import Conflict, ValidationFailed
from app.domain.roles import ALL_ROLES
from app.domain.two_factor import must_enrol
from app.i18n import translate
from app.services import two_factor as service

log = logging.getLogger(__name__)


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class CodeForm(FlaskForm):
    code = StringField(_l("Code from the authenticator app"), validators=[DataRequired(), Length(max=32)])


class DisableForm(FlaskForm):
    code = StringField(_l("Code from the authenticator app or a recovery code"),
                       validators=[DataRequired(), Length(max=32)])


def qr_svg(data: str) -> bytes:
    """The QR code of `data` as a standalone SVG document, drawn here (no external service)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(data, image_factory=SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def grouped(secret: str) -> str:
    """'ABCDEFGH…' → 'ABCD EFGH …' to type by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


class TwoFactorView(StaffBaseView):
    """Reached from the user's name in the navbar, not from the menu."""

    allowed_roles = ALL_ROLES

    def is_visible(self) -> bool:
        return False

    def _page(self, *, code_form=None, disable_form=None, recovery_codes=None, status=200):
        user = current_user._get_current_object()
        required = must_enrol(user.role_codes, totp_enabled=user.totp_enabled,
                              required_for_admins=service.admins_must_use_2fa(self.db_session))
        page = self.render(
            "admin/two_factor.html",
            user=user,
            required=required,
            pending=bool(user.totp_secret) and not user.totp_enabled,
            secret=grouped(user.totp_secret) if user.totp_secret and not user.totp_enabled else None,
            codes_left=service.recovery_codes_left(self.db_session, user) if user.totp_enabled else 0,
            action_form=ActionForm(),
            code_form=code_form or CodeForm(formdata=None),
            disable_form=disable_form or DisableForm(formdata=None),
            recovery_codes=recovery_codes,
        )
        response = make_response(page, status)
        response.headers["Cache-Control"] = "no-store"  # the secret and the recovery codes are on this page
        return response

    @expose("/")
    def index(self):
        return self._page()

    @expose("/start", methods=("POST",))
    def start(self):
        # CSRFProtect has checked the form's token before the view runs.
        try:
            service.start_enrolment(self.db_session, current_user._get_current_object())
        except Conflict as exc:
            flash(translate(exc.message), "error")
        return redirect(url_for(".index"))

    @expose("/qr.svg")
    def qr(self):
        user = current_user._get_current_object()
        if not user.totp_secret or user.totp_enabled:
            abort(404)
        uri = service.provisioning_uri(user, issuer=gettext("Front office"))
        response = make_response(qr_svg(uri))
        response.headers["Content-Type"] = "image/svg+xml"
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @expose("/confirm", methods=("POST",))
    def confirm(self):
        user = current_user._get_current_object()
        if not user.totp_secret or user.totp_enabled:  # nothing waits for a code: the page shows no code form
            flash(translate(service.NOT_STARTED if not user.totp_secret else service.ALREADY_ON), "error")
            return redirect(url_for(".index"))
        form = CodeForm()
        if not form.validate_on_submit():
            return self._page(code_form=form, status=400)
        try:
            codes = service.confirm_enrolment(self.db_session, user, form.code.data, clock=get_clock())
        except ValidationFailed as exc:
            form.code.errors = [*form.code.errors, translate(exc.message)]
            return self._page(code_form=form, status=400)
        except Conflict as exc:
            flash(translate(exc.message), "error")
            return redirect(url_for(".index"))
        # Confirming ended every other session (new token); this one goes on with the new token.
        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
        login_user(user, remember=remembered)
        log.info("second factor on: user=%s", user.id)
        flash(gettext("Two-factor authentication is on."), "success")
        return self._page(recovery_codes=codes)

    @expose("/disable", methods=("POST",))
    def disable(self):
        form = DisableForm()
        user = current_user._get_current_object()
        if not user.totp_enabled:
            return redirect(url_for(".index"))
        if form.validate_on_submit():
            try:
                service.disable(self.db_session, user, form.code.data, clock=get_clock())
            except ValidationFailed as exc:
                form.code.errors = [*form.code.errors, translate(exc.message)]
            else:
                log.info("second factor off: user=%s", user.id)
                flash(gettext("Two-factor authentication is off."), "success")
                return redirect(url_for(".index"))
        return self._page(disable_form=form, status=400)
