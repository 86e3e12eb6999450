"""The pure rules of the second factor: TOTP steps, drift, replay, recovery codes, the admins' requirement."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from app.domain import two_factor as rules
from app.domain.roles import Role

# RFC 6238 appendix B: the SHA-1 secret "12345678901234567890" (the test vectors have 8 digits; we use 6).
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
AT = datetime(2026, 11, 23, 9, 0, 15, tzinfo=UTC)


def at_seconds(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


@pytest.mark.parametrize(("seconds", "code"), [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"),
                                               (2000000000, "279037")])
def test_codes_match_the_rfc_6238_vectors(seconds, code):
    step = rules.timestep(at_seconds(seconds))
    assert rules.code_at_step(RFC_SECRET, step) == code
    assert rules.matching_step(RFC_SECRET, code, at_seconds(seconds), last_used_step=None) == step


def test_a_step_is_thirty_seconds():
    assert rules.timestep(at_seconds(0)) == 0
    assert rules.timestep(at_seconds(29)) == 0
    assert rules.timestep(at_seconds(30)) == 1
    with pytest.raises(ValueError):
        rules.timestep(datetime(2026, 1, 1))  # noqa: DTZ001 - a naive time is refused


def test_one_step_of_clock_drift_either_way_is_accepted_two_are_not():
    now = rules.timestep(AT)
    for offset, accepted in ((-2, False), (-1, True), (0, True), (1, True), (2, False)):
        code = rules.code_at_step(RFC_SECRET, now + offset)
        assert (rules.matching_step(RFC_SECRET, code, AT, last_used_step=None) == now + offset) is accepted, offset


def test_a_code_is_good_once_and_older_codes_die_with_it():
    now = rules.timestep(AT)
    code = rules.code_at_step(RFC_SECRET, now)
    assert rules.matching_step(RFC_SECRET, code, AT, last_used_step=now - 1) == now
    assert rules.matching_step(RFC_SECRET, code, AT, last_used_step=now) is None  # replay in the same window
    previous = rules.code_at_step(RFC_SECRET, now - 1)
    assert rules.matching_step(RFC_SECRET, previous, AT, last_used_step=now) is None
    later = AT + timedelta(seconds=30)
    assert rules.matching_step(RFC_SECRET, rules.code_at_step(RFC_SECRET, now + 1), later, last_used_step=now) == now + 1


def test_what_the_user_types_is_normalised_and_shapes_are_checked():
    now = rules.timestep(AT)
    code = rules.code_at_step(RFC_SECRET, now)
    assert rules.matching_step(RFC_SECRET, f" {code[:3]} {code[3:]} ", AT, last_used_step=None) == now
    for bad in ("", "12345", "1234567", "abcdef", None):
        assert rules.matching_step(RFC_SECRET, bad, AT, last_used_step=None) is None
    assert rules.matching_step("", code, AT, last_used_step=None) is None
    assert rules.looks_like_totp("123456") and not rules.looks_like_totp("12345a")


def test_recovery_codes_are_hashed_after_normalising():
    assert rules.format_recovery_code("0123456789") == "01234-56789"
    assert rules.hash_recovery_code("ABCDE-12345") == rules.hash_recovery_code("abcde12345")
    assert rules.hash_recovery_code("abcde12345") != rules.hash_recovery_code("abcde12346")
    assert len(rules.hash_recovery_code("abcde12345")) == 64 and "abcde" not in rules.hash_recovery_code("abcde12345")
    assert rules.looks_like_recovery_code(rules.normalise_code("AbCdE-12345"))
    assert not rules.looks_like_recovery_code("123456")


def test_a_half_finished_login_expires_after_five_minutes():
    started = AT.timestamp()
    assert not rules.pending_login_expired(started, AT + timedelta(minutes=4, seconds=59))
    assert rules.pending_login_expired(started, AT + timedelta(minutes=5, seconds=1))
    assert rules.pending_login_expired(started, AT - timedelta(seconds=1))  # from the future: refused
    assert rules.pending_login_expired(None, AT)


@pytest.mark.parametrize(("roles", "enabled", "required", "held"), [
    ({Role.ADMIN.value}, False, True, True),
    ({Role.ADMIN.value, Role.SUPERVISOR.value}, False, True, True),
    ({Role.ADMIN.value}, True, True, False),
    ({Role.ADMIN.value}, False, False, False),
    ({Role.RECEPTION.value}, False, True, False),
])
def test_only_admins_without_a_second_factor_are_held_and_only_while_required(roles, enabled, required, held):
    assert rules.must_enrol(frozenset(roles), totp_enabled=enabled, required_for_admins=required) is held
