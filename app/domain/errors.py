"""Domain errors carry an English msgid with parameters; the edges translate and place them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    code = "domain_error"
    http_status = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params
        self.fields = dict(fields or {})


class ValidationFailed(DomainError):
    code = "validation_failed"
    http_status = 400


class InUse(DomainError):
    code = "in_use"
    http_status = 409


class Protected(DomainError):
    code = "protected"
    http_status = 422


class NotYet(DomainError):
    """A rule refuses the action at this moment (e.g. a retry before its time): 422, the field named."""

    code = "too_early"
    http_status = 422


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


def fail_on(problems: Mapping[str, Any]) -> None:
    """Raise ValidationFailed carrying every field's problem (the first one is the summary)."""
    if problems:
        first = next(iter(problems.values()))
        raise ValidationFailed(first.text, fields=dict(problems), **first.params)
