"""Display labels (msgids) of document states."""

from __future__ import annotations

from app.domain.i18n import N_

WORK_ORDER_STATE_LABELS = {
    "open": N_("Open"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "closed": N_("Closed"),
}
WORK_SHEET_STATUS_LABELS = {"open": N_("Open"), "closed": N_("Closed")}
RESERVATION_STATUS_LABELS = {"reserved": N_("Reserved"), "issued": N_("Issued"), "cancelled": N_("Cancelled")}
