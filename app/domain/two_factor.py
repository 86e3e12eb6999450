"""The second factor (TOTP, RFC 6238) and recovery codes: pure rules, the time is an input.

A code is accepted for the current 30-second step or one step either side (phone clocks drift), and only
for a step later than the last one accepted for that user, so a code seen once cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta

import pyotp

from app.domain.roles import Role

INTERVAL_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10  # hex characters: 40 random bits each
# Between the password and the code: a half-finished login expires after this.
PENDING_LOGIN_TTL = timedelta(minutes=5)

_SEPARATORS = re.compile(r"[\s\-]+")
_TOTP_SHAPE = re.compile(rf"^\d{{{DIGITS}}}$")
_RECOVERY_SHAPE = re.compile(rf"^[0-9a-f]{{{RECOVERY_CODE_LENGTH}}}$")


def timestep(at: datetime) -> int:
    """The number of the 30-second TOTP step that `at` (an aware datetime) falls in."""
    if at.tzinfo is None:
        raise ValueError("timestep needs an aware datetime")
    return int(at.timestamp()) // INTERVAL_SECONDS


def normalise_code(text: str | None) -> str:
    """What the user typed, without spaces and dashes, lower case ('123 456' → '123456')."""
    return _SEPARATORS.sub("", text or "").lower()


def looks_like_totp(code: str) -> bool:
    return bool(_TOTP_SHAPE.match(code))


def looks_like_recovery_code(code: str) -> bool:
    return bool(_RECOVERY_SHAPE.match(code))


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL_SECONDS).at(step * INTERVAL_SECONDS)


def matching_step(secret: str, code: str, at: datetime, *, last_used_step: int | None) -> int | None:
    """The step `code` belongs to if it is valid at `at` and newer than `last_used_step`; else None."""
    code = normalise_code(code)
    if not secret or not looks_like_totp(code):
        return None
    now = timestep(at)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at_step(secret, step), code):
            if last_used_step is not None and step <= last_used_step:
                return None  # replay: this code (or a later one) was already used
            return step
    return None


def hash_recovery_code(code: str) -> str:
    """Recovery codes are random (40 bits) and single-use, so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def format_recovery_code(raw: str) -> str:
    """'0123456789' → '01234-56789' for reading and writing down."""
    half = len(raw) // 2
    return f"{raw[:half]}-{raw[half:]}"


def pending_login_expired(started_at: float | None, now: datetime) -> bool:
    """A password-checked login waiting for its code is valid for PENDING_LOGIN_TTL (timestamps in seconds)."""
    if started_at is None:
        return True
    age = now.timestamp() - started_at
    return age < 0 or age > PENDING_LOGIN_TTL.total_seconds()


def must_enrol(role_codes: frozenset[str], *, totp_enabled: bool, required_for_admins: bool) -> bool:
    """An admin without a second factor is held on the enrolment page while the setting requires one."""
    return required_for_admins and Role.ADMIN.value in role_codes and not totp_enabled
