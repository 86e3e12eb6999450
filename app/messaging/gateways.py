"""Message gateways. The default one logs the message, so the product runs with no provider.

- `LogGateway`: writes the message to the log (development, and dealers without a provider).
- `SmtpGateway`: e-mail through an SMTP server (plain, STARTTLS or SSL).
- `HttpGateway`: WhatsApp/SMS through an aggregator's HTTP API (a JSON POST).

Every gateway sends the outbox idempotency key to the provider (the e-mail's Message-ID and
`X-Idempotency-Key`; the HTTP `Idempotency-Key` header), so a send repeated after a crash can be
recognised by the provider instead of reaching the client twice.

`gateway_from_config` returns a `GatewayRouter`: e-mail goes to EMAIL_GATEWAY, WhatsApp and SMS to
MESSENGER_GATEWAY; both default to MESSAGE_GATEWAY ("log").

Replies and delivery statuses come back to `POST /api/v1/messaging/inbound`, signed by the provider
with the shared secret MESSAGE_HTTP_WEBHOOK_SECRET (`webhook_signature`, `webhook_refusal`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol

log = logging.getLogger("dashboard.outbox")

EMAIL_CHANNELS = frozenset({"email"})
MESSENGER_CHANNELS = frozenset({"whatsapp", "sms"})
EMAIL_GATEWAYS = ("log", "smtp")
MESSENGER_GATEWAYS = ("log", "http")


class GatewayError(Exception):
    """The provider did not take the message (it may be retried)."""


class OutgoingMessage(Protocol):
    """What a gateway reads of an outbox row (`app.messaging.service.Outgoing`, or the row itself)."""

    idempotency_key: str
    channel: str
    recipient: str
    subject: str
    body: str


class Gateway(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> str:
        """Deliver the message; return the provider's id for it. Raise on failure."""


class LogGateway:
    name = "log"

    def send(self, message: OutgoingMessage) -> str:
        log.info(
            "message delivered: key=%s channel=%s to=%s subject=%r body=%r",
            message.idempotency_key, message.channel, message.recipient, message.subject, message.body,
        )
        return f"log-{message.idempotency_key}"


# ----- e-mail

_MESSAGE_ID_UNSAFE = re.compile(r"[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]")


def email_message_id(idempotency_key: str, domain: str) -> str:
    """A Message-ID that is the same every time the same outbox row is sent.

    The readable part keeps only characters allowed in a Message-ID; the hash keeps keys that differ only
    in those characters apart.
    """
    readable = _MESSAGE_ID_UNSAFE.sub("-", idempotency_key).strip(".")[:60] or "message"
    readable = re.sub(r"\.{2,}", ".", readable)
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:16]
    return f"<{readable}.{digest}@{domain}>"


def _sender_domain(sender: str) -> str:
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    domain = address.rpartition("@")[2]
    return domain if domain and re.fullmatch(r"[A-Za-z0-9.-]+", domain) else "dashboard.invalid"


class SmtpGateway:
    """E-mail through an SMTP server. MAIL_USE_SSL: SMTPS from the first byte (port 465);
    MAIL_USE_TLS: STARTTLS after connecting (port 587). Login only when a username is set."""

    name = "smtp"

    def __init__(self, *, host: str, port: int, sender: str, use_tls: bool = False, use_ssl: bool = False,
                 username: str = "", password: str = "", timeout: float = 10.0,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        if use_tls and use_ssl:
            raise RuntimeError("MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL cannot both be on")
        if not host:
            raise RuntimeError("EMAIL_GATEWAY=smtp needs MAIL_SERVER")
        if not sender:
            raise RuntimeError("EMAIL_GATEWAY=smtp needs MAIL_FROM")
        self.host, self.port, self.sender = host, port, sender
        self.use_tls, self.use_ssl = use_tls, use_ssl
        self.username, self.password, self.timeout = username, password, timeout
        self.ssl_context = ssl_context

    @classmethod
    def from_config(cls, config) -> SmtpGateway:
        return cls(host=config.get("MAIL_SERVER", "localhost"), port=int(config.get("MAIL_PORT", 25)),
                   sender=config.get("MAIL_FROM", ""), use_tls=bool(config.get("MAIL_USE_TLS", False)),
                   use_ssl=bool(config.get("MAIL_USE_SSL", False)), username=config.get("MAIL_USERNAME", "") or "",
                   password=config.get("MAIL_PASSWORD", "") or "", timeout=float(config.get("MAIL_TIMEOUT", 10)))

    def build(self, message: OutgoingMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.recipient
        email["Subject"] = message.subject or ""
        email["Date"] = formatdate(usegmt=True)
        email["Message-ID"] = email_message_id(message.idempotency_key, _sender_domain(self.sender))
        email["X-Idempotency-Key"] = message.idempotency_key
        email.set_content(message.body or "", charset="utf-8")
        return email

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def send(self, message: OutgoingMessage) -> str:
        email = self.build(message)
        try:
            if self.use_ssl:
                connection = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._context())
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except (smtplib.SMTPException, OSError) as exc:
            raise GatewayError(f"SMTP {self.host}:{self.port}: {type(exc).__name__}: {exc}") from exc
        try:
            if self.use_tls:
                connection.starttls(context=self._context())
            if self.username:
                _login(connection, self.username, self.password)
            refused = connection.send_message(email)
        except (smtplib.SMTPException, OSError) as exc:
            raise GatewayError(f"SMTP {self.host}:{self.port}: {type(exc).__name__}: {exc}") from exc
        finally:
            _close(connection)  # once DATA is accepted the mail is sent: a failing QUIT must not cause a retry
        if refused:
            raise GatewayError(f"SMTP refused the recipient: {', '.join(refused)}")
        return email["Message-ID"]


def _login(connection: smtplib.SMTP, username: str, password: str) -> None:
    """smtplib encodes credentials as ASCII; a non-ASCII password goes as UTF-8 AUTH PLAIN (RFC 4616)."""
    if (username + password).isascii():
        connection.login(username, password)
        return
    connection.ehlo_or_helo_if_needed()
    if "plain" not in connection.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPException("the server offers no AUTH PLAIN for a non-ASCII password")
    token = base64.b64encode(b"\0" + username.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
    code, response = connection.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, response)


def _close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()


# ----- HTTP aggregator (WhatsApp / SMS)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the POST into a GET without a body: treat it as an error instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class HttpGateway:
    """POSTs `{"idempotency_key", "channel", "to", "subject", "text"}` as JSON with the header
    `Idempotency-Key`; 2xx means taken. The provider's id is the response's "id" (else the key)."""

    name = "http"

    def __init__(self, *, url: str, token: str = "", timeout: float = 10.0) -> None:
        scheme = urllib.parse.urlsplit(url).scheme if url else ""
        if scheme not in ("http", "https"):
            raise RuntimeError("MESSENGER_GATEWAY=http needs MESSAGE_HTTP_URL (an http:// or https:// address)")
        self.url, self.token, self.timeout = url, token, timeout
        self._opener = urllib.request.build_opener(_NoRedirects())

    @classmethod
    def from_config(cls, config) -> HttpGateway:
        return cls(url=config.get("MESSAGE_HTTP_URL", "") or "", token=config.get("MESSAGE_HTTP_TOKEN", "") or "",
                   timeout=float(config.get("MESSAGE_HTTP_TIMEOUT", 10)))

    def request(self, message: OutgoingMessage) -> urllib.request.Request:
        payload = {"idempotency_key": message.idempotency_key, "channel": message.channel,
                   "to": message.recipient, "subject": message.subject or "", "text": message.body or ""}
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json",
                   "Idempotency-Key": message.idempotency_key, "User-Agent": "frontoffice-dashboard"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return urllib.request.Request(self.url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                      headers=headers, method="POST")

    def send(self, message: OutgoingMessage) -> str:
        try:
            with self._opener.open(self.request(message), timeout=self.timeout) as response:
                status, raw = response.status, response.read(65536)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip() if exc.fp else ""
            raise GatewayError(f"HTTP {exc.code} from the provider: {detail[:300]}") from exc
        except urllib.error.URLError as exc:
            raise GatewayError(f"provider unreachable: {exc.reason}") from exc
        except (OSError, ValueError) as exc:  # timeouts, resets, a broken response
            raise GatewayError(f"provider unreachable: {type(exc).__name__}: {exc}") from exc
        if not 200 <= status < 300:
            raise GatewayError(f"HTTP {status} from the provider")
        return _provider_id(raw) or message.idempotency_key


# The provider's calls to our webhook carry these two headers.
SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Signature-Timestamp"
SIGNATURE_SCHEME = "sha256="
WEBHOOK_MAX_AGE_SECONDS = 300


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Signature` of a webhook call: `sha256=` and the lower-case hex HMAC-SHA256, keyed with the
    secret, of the `X-Signature-Timestamp` value (Unix seconds), a full stop and the raw request body."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return SIGNATURE_SCHEME + digest.hexdigest()


def webhook_refusal(secret: str, *, signature: str | None, timestamp: str | None, body: bytes, now: datetime,
                    max_age: float = WEBHOOK_MAX_AGE_SECONDS) -> str | None:
    """None when the provider signed this call; otherwise why it is refused (for the log).

    The timestamp is signed too, so an old call replayed with a fresh timestamp fails the signature;
    one replayed as it was is refused once it is older (or further in the future) than `max_age`.
    """
    if not secret:
        return "no webhook secret is configured"
    if not signature:
        return f"no {SIGNATURE_HEADER} header"
    if not timestamp or not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return f"no valid {TIMESTAMP_HEADER} header"
    if abs(now.timestamp() - int(timestamp)) > max_age:
        return f"{TIMESTAMP_HEADER} is more than {max_age:g} s away from now"
    expected = webhook_signature(secret, timestamp, body).encode("ascii")
    if not hmac.compare_digest(expected, signature.strip().lower().encode("utf-8", "replace")):
        return "the signature does not match"
    return None


def _provider_id(raw: bytes) -> str | None:
    try:
        data: Any = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(data, dict) and data.get("id") not in (None, ""):
        return str(data["id"])[:120]
    return None


# ----- routing by channel


def _build(name: str, config) -> Gateway:
    if name == "log":
        return LogGateway()
    if name == "smtp":
        return SmtpGateway.from_config(config)
    if name == "http":
        return HttpGateway.from_config(config)
    raise RuntimeError(f"unknown gateway {name!r}")


def _choice(config, key: str, allowed: tuple[str, ...]) -> str:
    default = (config.get("MESSAGE_GATEWAY") or "log").strip().lower()
    name = (config.get(key) or default).strip().lower()
    if name not in allowed:
        source = key if config.get(key) else "MESSAGE_GATEWAY"
        raise RuntimeError(f"{key}: unknown gateway {name!r} (from {source}); use one of: {', '.join(allowed)}")
    return name


class GatewayRouter:
    """Sends each message through the gateway of its channel: e-mail, or messengers (WhatsApp, SMS)."""

    name = "router"

    def __init__(self, *, email: Gateway, messenger: Gateway) -> None:
        self.email, self.messenger = email, messenger

    def gateway_for(self, message: OutgoingMessage) -> Gateway:
        if message.channel in EMAIL_CHANNELS:
            return self.email
        if message.channel in MESSENGER_CHANNELS:
            return self.messenger
        raise GatewayError(f"no gateway for the channel {message.channel!r}")

    def name_for(self, message: OutgoingMessage) -> str:
        try:
            return self.gateway_for(message).name
        except GatewayError:
            return ""

    def send(self, message: OutgoingMessage) -> str:
        return self.gateway_for(message).send(message)


def gateway_from_config(config) -> GatewayRouter:
    """The router for this configuration. A wrong setting is a RuntimeError naming the setting."""
    email = _choice(config, "EMAIL_GATEWAY", EMAIL_GATEWAYS)
    messenger = _choice(config, "MESSENGER_GATEWAY", MESSENGER_GATEWAYS)
    return GatewayRouter(email=_build(email, config), messenger=_build(messenger, config))
