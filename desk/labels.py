"""Display labels (msgids) of the desk: confirmation states, outcomes, not-reached reasons."""

from __future__ import annotations

from app.domain.i18n import N_

STATE_LABELS = {
    "to_call": N_("To call"),
    "retry": N_("Call again"),
    "callback": N_("Call back"),
    "confirmed": N_("Confirmed"),
    "unreached": N_("Not reached"),
    "cancelled": N_("Cancelled"),
}
# Bootstrap row classes: confirmed rows are green (seed 000, Рис.7); the others visibly distinct.
STATE_ROW_CLASSES = {
    "to_call": "",
    "retry": "table-warning",
    "callback": "table-info",
    "confirmed": "table-success",
    "unreached": "table-secondary",
    "cancelled": "table-danger desk-cancelled",
}
OUTCOME_LABELS = {
    "not_reached": N_("Not reached"),
    "callback": N_("Can't talk now: call back"),
    "confirmed": N_("Will come (survey finished)"),
    "reschedule": N_("Won't come: another time"),
    "refused": N_("Refuses: cancel the booking"),
    "cancel": N_("Booking cancelled"),
}
REASON_LABELS = {
    "out_of_network": N_("Out of network"),
    "unavailable": N_("Unavailable"),
    "busy": N_("Busy"),
    "rejected": N_("Rejected the call"),
    "unspecified": N_("not specified"),
}
BOOKING_STATUS_LABELS = {
    "planned": N_("Planned"),
    "confirmed": N_("Confirmed"),
    "cancelled": N_("Cancelled"),
    "arrived": N_("Arrived"),
    "no_show": N_("Did not come"),
}
