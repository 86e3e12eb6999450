"""Use cases of the second factor: enrol, confirm, verify at login, disable, reset by the CLI."""

from __future__ import annotations

import secrets

import pyotp
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from app.clock import Clock
from app.domain import two_factor as rules
from app.domain.errors import Conflict, ValidationFailed
from app.domain.i18n import N_
from app.models.user import RecoveryCode, User
from app.services.users import get_user

WRONG_CODE = N_("Wrong code. Enter the 6-digit code from the app or one of your recovery codes.")
WRONG_ENROLMENT_CODE = N_("Wrong code. Enter the 6-digit code the app shows now.")
ALREADY_ON = N_("Two-factor authentication is already on.")
NOT_STARTED = N_("Start the setup first.")

TOTP = "totp"
RECOVERY = "recovery"


def admins_must_use_2fa(session: Session) -> bool:
    from app.services.regulations import load_regulations

    return load_regulations(session).require_admin_2fa


def start_enrolment(session: Session, user: User) -> str:
    """A new secret, not active until a code from it is confirmed; starting again replaces it."""
    if user.totp_enabled:
        raise Conflict(ALREADY_ON)
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    session.commit()
    return user.totp_secret


def provisioning_uri(user: User, *, issuer: str) -> str:
    """The otpauth:// URI the authenticator app reads from the QR code."""
    if not user.totp_secret:
        raise Conflict(NOT_STARTED)
    return pyotp.TOTP(user.totp_secret, digits=rules.DIGITS, interval=rules.INTERVAL_SECONDS).provisioning_uri(
        name=user.username, issuer_name=issuer)


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [secrets.token_hex(rules.RECOVERY_CODE_LENGTH // 2) for _ in range(rules.RECOVERY_CODE_COUNT)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=rules.hash_recovery_code(code)) for code in codes)
    return [rules.format_recovery_code(code) for code in codes]


def confirm_enrolment(session: Session, user: User, code: str, *, clock: Clock) -> list[str]:
    """Turn the second factor on with a code from the new secret; returns the recovery codes (shown once).

    The user's other sessions end (they were opened without the second factor)."""
    if user.totp_enabled:
        raise Conflict(ALREADY_ON)
    if not user.totp_secret:
        raise Conflict(NOT_STARTED)
    step = rules.matching_step(user.totp_secret, code, clock.now(), last_used_step=None)
    if step is None:
        raise ValidationFailed(WRONG_ENROLMENT_CODE, fields={"code": WRONG_ENROLMENT_CODE})
    user.totp_enabled = True
    user.totp_last_step = step
    codes = _new_recovery_codes(session, user)
    user.rotate_session()
    session.commit()
    return codes


def _claim_step(session: Session, user: User, step: int) -> bool:
    """Record `step` as used unless it (or a later one) already was: one atomic UPDATE, so two
    processes racing with the same code cannot both win."""
    result = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def _use_recovery_code(session: Session, user: User, code: str) -> bool:
    result = session.execute(
        delete(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_hash == rules.hash_recovery_code(code))
    )
    session.commit()
    return result.rowcount == 1


def verify_second_factor(session: Session, user: User, code: str, *, clock: Clock) -> str | None:
    """TOTP or RECOVERY when `code` is good (and now used up), None otherwise."""
    if not user.totp_enabled or not user.totp_secret:
        return None
    code = rules.normalise_code(code)
    if rules.looks_like_totp(code):
        step = rules.matching_step(user.totp_secret, code, clock.now(), last_used_step=user.totp_last_step)
        if step is not None and _claim_step(session, user, step):
            return TOTP
        return None
    if rules.looks_like_recovery_code(code) and _use_recovery_code(session, user, code):
        return RECOVERY
    return None


def recovery_codes_left(session: Session, user: User) -> int:
    return session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id)) or 0


def _clear(session: Session, user: User) -> None:
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable(session: Session, user: User, code: str, *, clock: Clock) -> None:
    """Turn one's own second factor off; needs a current code (or a recovery code)."""
    if verify_second_factor(session, user, code, clock=clock) is None:
        raise ValidationFailed(WRONG_CODE, fields={"code": WRONG_CODE})
    _clear(session, user)
    session.commit()


def reset(session: Session, username: str) -> User:
    """The CLI's way out for a lost phone: the second factor is off and the user's sessions end."""
    user = get_user(session, username)
    _clear(session, user)
    user.rotate_session()
    session.commit()
    return user
