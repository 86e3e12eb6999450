"""Catalog names as they appear in URLs and the API contract (SPEC §5.1)."""

from __future__ import annotations

from catalogs.models import (
    AppealCategory,
    Cadence,
    CancellationReason,
    ContactGoal,
    IgnoreReason,
    LeadStage,
    LossReason,
    MessageTemplate,
    Work,
)

CATALOGS = {
    "appeal-categories": AppealCategory,
    "cancellation-reasons": CancellationReason,
    "contact-goals": ContactGoal,
    "ignore-reasons": IgnoreReason,
    "lead-stages": LeadStage,
    "loss-reasons": LossReason,
    "message-templates": MessageTemplate,
    "cadences": Cadence,
    "works": Work,
}
