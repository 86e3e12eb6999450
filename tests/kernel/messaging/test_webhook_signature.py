"""The provider's webhook signature: HMAC-SHA256 of "<timestamp>.<raw body>" (README, «Configuration»)."""

from __future__ import annotations

import hashlib
import hmac

from app.messaging.gateways import webhook_refusal, webhook_signature
from tests.factories import NOW

TS = str(int(NOW.timestamp()))
BODY = '{"type":"reply","text":"Да"}'.encode()


def test_the_signature_is_the_documented_hmac():
    expected = hmac.new(b"s3cret", f"{TS}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert webhook_signature("s3cret", TS, BODY) == "sha256=" + expected


def test_a_known_vector():
    assert webhook_signature("key", "1700000000", b"{}") == (
        "sha256=" + hmac.new(b"key", b"1700000000.{}", hashlib.sha256).hexdigest())


def check(signature, timestamp=TS, body=BODY, secret="s3cret", now=NOW):
    return webhook_refusal(secret, signature=signature, timestamp=timestamp, body=body, now=now)


def test_a_good_signature_passes_in_either_case_of_hex():
    good = webhook_signature("s3cret", TS, BODY)
    assert check(good) is None
    assert check(good.upper().replace("SHA256=", "sha256=")) is None
    assert check(" " + good + " ") is None


def test_everything_else_is_refused_with_a_reason():
    good = webhook_signature("s3cret", TS, BODY)
    assert check(good, secret="") == "no webhook secret is configured"
    assert "X-Signature" in check(None) and "X-Signature" in check("")
    for stamp in (None, "", "-1", "1.5", "１７００", "9" * 13):
        assert "X-Signature-Timestamp" in check(good, timestamp=stamp), stamp
    assert "away from now" in check(webhook_signature("s3cret", str(int(TS) - 301), BODY), timestamp=str(int(TS) - 301))
    assert "away from now" in check(webhook_signature("s3cret", str(int(TS) + 301), BODY), timestamp=str(int(TS) + 301))
    assert check(webhook_signature("s3cret", str(int(TS) - 300), BODY), timestamp=str(int(TS) - 300)) is None
    assert check(good, body=BODY + b" ") == "the signature does not match"
    assert check(webhook_signature("other", TS, BODY)) == "the signature does not match"
    assert check(good.removeprefix("sha256=")) == "the signature does not match"
    assert check("sha256=ж") == "the signature does not match"
