"""Login, logout, the session user loader and role checks for plain Flask views."""

from __future__ import annotations

import logging
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

from app.clock import get_clock
from app.extensions import db, limiter, login_manager
from app.models.user import User
from app.services.audit import reset_audit_actor, set_audit_actor

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(lazy_gettext("Login"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(lazy_gettext("Remember me"))


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths: blocks //host, /\\host, scheme: and javascript: targets."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and all(ord(ch) >= 32 for ch in target)


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
            login_user(user, remember=form.remember.data)
            log.info("login: user=%s", user.id)
            return redirect(next_url if is_safe_next(next_url) else url_for("admin.index"))
        log.warning("failed login for %r from %s", form.username.data, request.remote_addr)
        form.password.errors.append(gettext("Wrong login or password, or the account is disabled."))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form, throttled=False), status


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
    app.teardown_request(_unbind_audit_actor)
