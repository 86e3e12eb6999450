"""Follow-up cadences: what a step needs to be runnable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from app.domain.i18n import N_, Message


@dataclass(frozen=True)
class StepDraft:
    action: str
    day_offset: int
    hour_offset: int
    at_time: time | None
    has_template: bool
    has_stage: bool
    has_loss_reason: bool


REQUIRED_TARGET = {
    "send_template": ("template", N_("Choose the template this step sends.")),
    "set_stage": ("stage", N_("Choose the stage this step sets.")),
    "close_lost": ("loss_reason", N_("Choose the loss reason this step closes the lead with.")),
}


def step_errors(step: StepDraft) -> dict[str, Message]:
    """Field → message for a step that could not run as configured."""
    errors: dict[str, Message] = {}
    if not 0 <= step.day_offset <= 365:
        errors["day_offset"] = Message(N_("Days after the start must be between 0 and 365."))
    if not 0 <= step.hour_offset <= 23:
        errors["hour_offset"] = Message(N_("Hours must be between 0 and 23."))
    if step.at_time is not None and step.hour_offset:
        errors["at_time"] = Message(N_("Give either hours after the start or a time of day, not both."))
    required = REQUIRED_TARGET.get(step.action)
    if required:
        field, text = required
        present = {"template": step.has_template, "stage": step.has_stage, "loss_reason": step.has_loss_reason}
        if not present[field]:
            errors[field] = Message(text)
    return errors
