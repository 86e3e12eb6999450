"""Calls to the messaging webhook signed the way the provider signs them (README, «Configuration»)."""

from __future__ import annotations

import json

from app.messaging.gateways import SIGNATURE_HEADER, TIMESTAMP_HEADER, webhook_signature

WEBHOOK_SECRET = "provider-webhook-secret-для-тестов"
INBOUND_URL = "/api/v1/messaging/inbound"


def post_signed(app, clock, body: dict, *, secret: str = WEBHOOK_SECRET, timestamp: str | None = None,
                signature: str | None = None, headers: dict | None = None):
    """POST `body` as the provider would: `X-Signature-Timestamp` = the clock's now (Unix seconds),
    `X-Signature` = sha256=HMAC(secret, timestamp + "." + raw body). `signature` overrides the header."""
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    stamp = str(int(clock.now().timestamp())) if timestamp is None else timestamp
    signed = {SIGNATURE_HEADER: webhook_signature(secret, stamp, raw) if signature is None else signature,
              TIMESTAMP_HEADER: stamp}
    return app.test_client().post(INBOUND_URL, data=raw, content_type="application/json",
                                  headers={**signed, **(headers or {})})
