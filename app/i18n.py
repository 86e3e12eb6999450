"""Locale selection: the user's choice, then a cookie, then the default (Russian)."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user

from app.domain.i18n import Message
from app.extensions import babel


def select_locale() -> str:
    from flask import has_request_context

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def translate(message: str | Message, **params) -> str:
    """Translate a domain msgid (or Message) in the current locale."""
    from flask_babel import gettext

    if isinstance(message, Message):
        message, params = message.text, message.params
    return gettext(message, **{name: _param(value) for name, value in params.items()})


def _param(value):
    """Nested messages are translated and datetimes shown in the dealership's zone."""
    from datetime import datetime

    if isinstance(value, Message):
        return translate(value)
    if isinstance(value, datetime):
        return format_local(value)
    return value


def init_app(app: Flask) -> None:
    from pathlib import Path

    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).resolve().parent.parent / "translations")
    )
    babel.init_app(app, locale_selector=select_locale)
    register_filters(app)


def dealership_timezone():
    """The zone from the regulation settings, read once per request."""
    from zoneinfo import ZoneInfo

    from flask import g, has_request_context

    from app.extensions import db
    from app.services.regulations import load_regulations

    if has_request_context() and "dealer_tz" in g:
        return g.dealer_tz
    zone = ZoneInfo(load_regulations(db.session).timezone)
    if has_request_context():
        g.dealer_tz = zone
    return zone


def format_local(value) -> str:
    """A stored UTC datetime as the dealership's local «dd.mm.yyyy HH:MM»."""
    if value is None:
        return ""
    return value.astimezone(dealership_timezone()).strftime("%d.%m.%Y %H:%M")


def format_local_short(value) -> str:
    """«14:05» for a moment of today in the dealership's zone, «05.12.2026 14:05» for another day."""
    if value is None:
        return ""
    from app.clock import get_clock

    zone = dealership_timezone()
    local = value.astimezone(zone)
    return local.strftime("%H:%M") if local.date() == get_clock().now().astimezone(zone).date() else \
        local.strftime("%d.%m.%Y %H:%M")


def format_waited(minutes: int) -> str:
    """How long someone has waited: «7 мин», «2 ч 05 мин», «3 дн 4 ч»."""
    from flask_babel import gettext

    if minutes < 60:
        return gettext("%(minutes)s min", minutes=minutes)
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return gettext("%(hours)s h %(minutes)02d min", hours=hours, minutes=rest)
    days, hours = divmod(hours, 24)
    return gettext("%(days)s d %(hours)s h", days=days, hours=hours)


def format_money(value) -> str:
    """`1234.5` → `1 234,50` (Russian grouping and decimal comma; the same in English for one look)."""
    return f"{value or 0:,.2f}".replace(",", "\u00a0").replace(".", ",")


def format_decimal(value) -> str:
    """`Decimal("1.50")` → `1,5`, `1500.00` → `1500`: hours and amounts to read or type, with the decimal comma."""
    from decimal import Decimal

    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    text = f"{number.normalize():f}" if number != number.to_integral_value() else f"{number.to_integral_value():f}"
    return text.replace(".", ",")


def tel_href(phone) -> str:
    """A phone as written («+7 908 494-44-34») as a dialable `tel:` link («tel:+79084944434»)."""
    import re

    return "tel:" + re.sub(r"[^\d+]", "", str(phone or ""))


def flash_text(message) -> str:
    """A flashed message in the current language, as plain text for autoescaping.

    Flashes arrive already formatted (often with a client's name inside), so they are looked up
    in the catalog as whole strings and never %-formatted or marked safe: Jinja's `_()` would do
    both, turning a name like `<img onerror=…>` into markup and a «10%» into a 500.
    """
    from flask_babel import get_translations

    text = str(message)
    return str(get_translations().gettext(text)) if text else text


def label_of(labels: dict, code) -> str:
    """The translated label of a code; an unknown code is shown as it is, never through the catalog."""
    if code in labels:
        return flash_text(labels[code])
    return "" if code is None else str(code)


def register_filters(app: Flask) -> None:
    from flask_babel import get_locale

    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["localtime_short"] = format_local_short
    app.jinja_env.filters["waited"] = format_waited
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["decimal"] = format_decimal
    app.jinja_env.filters["tel"] = tel_href
    app.jinja_env.filters["flash_text"] = flash_text
    app.jinja_env.globals["label_of"] = label_of
    app.jinja_env.globals["translate"] = translate
    app.jinja_env.globals["get_locale"] = get_locale
