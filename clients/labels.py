"""Display labels (msgids) of client kinds, contact kinds and event kinds."""

from __future__ import annotations

from app.domain.i18n import N_

CLIENT_KIND_LABELS = {"person": N_("Person"), "company": N_("Company")}
CONTACT_KIND_LABELS = {"phone": N_("Phone"), "email": N_("E-mail"), "other": N_("Other")}
EVENT_KIND_LABELS = {
    "call_in": N_("Incoming call"),
    "call_out": N_("Outgoing call"),
    "visit": N_("Visit"),
    "message": N_("Message"),
    "other": N_("Other"),
}
EVENT_STATUS_LABELS = {"new": N_("New"), "done": N_("Processed")}
