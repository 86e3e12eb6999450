"""Configuration: safe development defaults, overridden by environment variables."""

from __future__ import annotations

import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
DEFAULT_REDIS_PORT = 6390

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_bool(value: str | None, *, default: bool = False) -> bool:
    """Strict boolean parsing: garbage raises instead of being guessed."""
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'dashboard.sqlite3'}"


def default_redis_url() -> str:
    return f"redis://127.0.0.1:{DEFAULT_REDIS_PORT}/0"


def rate_limit_storage_uri(config) -> str:
    """RATELIMIT_STORAGE_URI when set explicitly, otherwise the app's own Redis (REDIS_URL)."""
    return config.get("RATELIMIT_STORAGE_URI") or config["REDIS_URL"]


def normalise_database_url(url: str) -> str:
    """Accept the common `postgres://` / `postgresql://` forms and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("DATABASE_URL") or default_database_url())
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or default_redis_url()
    # The feature wings; create_app calls each one's `register(app)` (if it has one) in this order, which is
    # also the order of their sources on the client timeline for items of the same instant.
    WINGS = ("catalogs", "clients", "appeals", "traffic", "desk", "documents", "leads", "kpis")
    # Above the wings: the admin site's assembly, the worker's and the seed's commands (registered the same way).
    SITE = ("admin_views", "tasks", "seed")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    DASHBOARD_TIMEZONE = os.environ.get("DASHBOARD_TIMEZONE", "Europe/Moscow")
    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "ru")
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("ru", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = parse_bool(os.environ.get("SESSION_COOKIE_SECURE"))
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    # «Remember me» lasts this many days (Flask-Login's own default is 365); becomes REMEMBER_COOKIE_DURATION.
    REMEMBER_COOKIE_DAYS = int(os.environ.get("REMEMBER_COOKIE_DAYS", "14"))

    WTF_CSRF_TIME_LIMIT = None
    # Throttling counters are shared by every web process: empty = the app's Redis (REDIS_URL, see
    # rate_limit_storage_uri); memory:// counts per process and is only for tests.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or None
    # If that Redis is unreachable, count in this process's memory meanwhile instead of failing the login.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute")

    # Outgoing messages (the outbox). E-mail goes through EMAIL_GATEWAY (log|smtp), WhatsApp and SMS through
    # MESSENGER_GATEWAY (log|http); both default to MESSAGE_GATEWAY, which defaults to "log".
    MESSAGE_GATEWAY = os.environ.get("MESSAGE_GATEWAY", "log")
    EMAIL_GATEWAY = os.environ.get("EMAIL_GATEWAY", "")
    MESSENGER_GATEWAY = os.environ.get("MESSENGER_GATEWAY", "")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = parse_bool(os.environ.get("MAIL_USE_TLS"))
    MAIL_USE_SSL = parse_bool(os.environ.get("MAIL_USE_SSL"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    MESSAGE_HTTP_URL = os.environ.get("MESSAGE_HTTP_URL", "")
    MESSAGE_HTTP_TOKEN = os.environ.get("MESSAGE_HTTP_TOKEN", "")
    MESSAGE_HTTP_TIMEOUT = float(os.environ.get("MESSAGE_HTTP_TIMEOUT", "10"))
    # The secret the provider signs its calls to /api/v1/messaging/inbound with (X-Signature, see
    # app.messaging.gateways.webhook_signature). Empty: the webhook refuses every call.
    MESSAGE_HTTP_WEBHOOK_SECRET = os.environ.get("MESSAGE_HTTP_WEBHOOK_SECRET", "")
    MESSAGE_HTTP_WEBHOOK_MAX_AGE = float(os.environ.get("MESSAGE_HTTP_WEBHOOK_MAX_AGE", "300"))
    # A send that takes longer than this is presumed dead and may be taken over by another worker.
    OUTBOX_SEND_LEASE_SECONDS = int(os.environ.get("OUTBOX_SEND_LEASE_SECONDS", "300"))
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "6"))
    RQ_QUEUES = ("default",)
    # Exports: CSV streams every row as it is read (no cap); an XLSX workbook is built whole, so it carries at
    # most this many rows and a larger one is refused with a message to narrow the filter or take CSV.
    EXPORT_XLSX_MAX_ROWS = int(os.environ.get("EXPORT_XLSX_MAX_ROWS", "100000"))
    EXPORT_BATCH_ROWS = 1000  # rows read from the database per round trip while an export streams

    API_TITLE = "Front-office dashboard API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "components": {"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer"},
            "providerSignature": {
                "type": "apiKey", "in": "header", "name": "X-Signature",
                "description": "The messaging provider's webhook calls only: `sha256=` + hex HMAC-SHA256 keyed "
                               "with MESSAGE_HTTP_WEBHOOK_SECRET of `<X-Signature-Timestamp>.<raw body>`.",
            },
        }},
        "security": [{"bearerAuth": []}],
    }
