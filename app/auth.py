"""Login, logout, the session user loader and role checks for plain Flask views."""

from __future__ import annotations

import logging
import unicodedata
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.audit.service import reset_audit_actor, set_audit_actor
from app.clock import get_clock
from app.domain.two_factor import must_enrol, pending_login_expired
from app.extensions import db, limiter, login_manager
from app.models.user import User
from app.services.two_factor import WRONG_CODE, admins_must_use_2fa, verify_second_factor

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(lazy_gettext("Login"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(lazy_gettext("Remember me"))


class SecondFactorForm(FlaskForm):
    code = StringField(lazy_gettext("Code from the authenticator app or a recovery code"),
                       validators=[DataRequired(), Length(max=32)])


PENDING = "2fa_pending"  # the session key of a login whose password was right and whose code is awaited


def is_safe_next(target: str | None) -> bool:
    """A redirect target we follow: a same-origin absolute path and nothing else.

    Refused: empty, anything not starting with exactly one "/" (so `http:/x`, `http:///x`,
    `javascript:`, `data:`, relative paths and leading whitespace), `//host` and `/\\host`
    (browsers read both as another host), any backslash, and control or whitespace characters
    anywhere (browsers strip tabs and newlines before parsing).
    """
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def roles_required(*roles: str):
    """Deny by default: only authenticated, active users holding one of `roles` get through."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_any_role(roles):
                log.warning("access denied: user=%s view=%s", current_user.id, request.endpoint)
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator


def _login_rate() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _username_key() -> str:
    return "login-user:" + (request.form.get("username") or "").strip().lower()


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_rate, methods=["POST"], key_func=_username_key, deduct_when=_failed)
def login():
    form = LoginForm()
    next_url = request.args.get("next")
    if form.validate_on_submit():
        user = db.session.scalar(db.select(User).where(User.username == form.username.data.strip()))
        if user is not None and user.is_active and user.check_password(form.password.data):
            session.clear()  # a fresh session on login (no fixation)
            if user.totp_enabled:  # not logged in yet: the second step asks for the code
                session[PENDING] = {"user": user.id, "token": user.session_token, "remember": form.remember.data,
                                    "next": next_url if is_safe_next(next_url) else None,
                                    "at": get_clock().now().timestamp()}
                log.info("password accepted, second factor awaited: user=%s", user.id)
                return redirect(url_for("auth.second_factor"))
            login_user(user, remember=form.remember.data)
            log.info("login: user=%s", user.id)
            return redirect(next_url if is_safe_next(next_url) else url_for("admin.index"))
        log.warning("failed login for %r from %s", form.username.data, request.remote_addr)
        form.password.errors.append(gettext("Wrong login or password, or the account is disabled."))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form, throttled=False), status


def _pending_key() -> str:
    pending = session.get(PENDING) or {}
    return f"login-2fa:{pending.get('user')}"


def _pending_user() -> User | None:
    """The user whose password was right a moment ago, if that login is still waiting for its code."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending_login_expired(pending.get("at"), get_clock().now()):
        return None
    user = db.session.get(User, pending.get("user")) if isinstance(pending.get("user"), int) else None
    if user is None or not user.is_active or not user.totp_enabled or user.session_token != pending.get("token"):
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_rate, methods=["POST"], key_func=_pending_key, deduct_when=_failed)
def second_factor():
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        method = verify_second_factor(db.session, user, form.code.data, clock=get_clock())
        if method is not None:
            pending = session.pop(PENDING)
            session.clear()
            login_user(user, remember=bool(pending.get("remember")))
            log.info("login: user=%s second factor=%s", user.id, method)
            return redirect(pending.get("next") or url_for("admin.index"))
        log.warning("wrong second factor for user=%s from %s", user.id, request.remote_addr)
        form.code.errors.append(gettext(WRONG_CODE))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/second_factor.html", form=form, throttled=False), status


# While the regulation settings require a second factor of admins, an admin without one can open only these.
OPEN_WHILE_ENROLLING = frozenset({"auth.logout", "auth.set_language", "static", "admin.static",
                                  "twofactor.index", "twofactor.start", "twofactor.qr", "twofactor.confirm"})


def _hold_admins_without_second_factor():
    if request.endpoint in OPEN_WHILE_ENROLLING or request.path.startswith("/api/"):
        return None  # the API authenticates by bearer token, never by this session
    if not current_user.is_authenticated or current_user.totp_enabled:
        return None
    if must_enrol(current_user.role_codes, totp_enabled=current_user.totp_enabled,
                  required_for_admins=admins_must_use_2fa(db.session)):
        log.info("admin without second factor held on enrolment: user=%s endpoint=%s",
                 current_user.id, request.endpoint)
        return redirect(url_for("twofactor.index"))
    return None


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        # A copied session or remember cookie carries the old token: rotating it ends both (ASVS 3.3.1).
        user = current_user._get_current_object()
        user.rotate_session()
        db.session.commit()
        log.info("logout: user=%s", user.id)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    target = request.form.get("next")
    response = make_response(redirect(target if is_safe_next(target) else url_for("admin.index")))
    response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.route("/")
def root():
    return redirect(url_for("admin.index"))


def _too_many_logins(error):
    if request.endpoint == "auth.second_factor":
        return render_template("auth/second_factor.html", form=SecondFactorForm(), throttled=True), 429
    form = LoginForm()
    return render_template("auth/login.html", form=form, throttled=True), 429


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not user.is_active or user.session_token != token:
        return None
    return user


def _bind_audit_actor() -> None:
    actor_id = current_user.id if current_user.is_authenticated else None
    g._audit_token = set_audit_actor(actor_id, get_clock())


def _unbind_audit_actor(exc=None) -> None:
    token = g.pop("_audit_token", None)
    if token is not None:
        reset_audit_actor(token)


def remember_cookie_duration(days) -> timedelta:
    """REMEMBER_COOKIE_DAYS (default 14) as Flask-Login's REMEMBER_COOKIE_DURATION; garbage raises."""
    value = int(days)
    if value < 1:
        raise ValueError(f"REMEMBER_COOKIE_DAYS must be at least 1, not {days!r}")
    return timedelta(days=value)


def init_app(app: Flask) -> None:
    if "REMEMBER_COOKIE_DURATION" not in app.config:  # an explicit duration (a test's) wins
        app.config["REMEMBER_COOKIE_DURATION"] = remember_cookie_duration(app.config["REMEMBER_COOKIE_DAYS"])
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to open this page.")
    login_manager.login_message_category = "warning"
    app.register_blueprint(bp)
    app.register_error_handler(429, _too_many_logins)
    app.before_request(_bind_audit_actor)
    app.before_request(_hold_admins_without_second_factor)
    app.teardown_request(_unbind_audit_actor)
