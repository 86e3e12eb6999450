"""Human labels for the catalogs' fixed choices (lazily translated)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.messaging.labels import MESSAGE_CHANNEL_LABELS  # noqa: F401 - one list of channels: messaging's

# The catalogs' names, by table: the admin menu, the home page, the audit log.
CATALOG_TITLES = {
    "appeal_category": _l("Appeal categories"),
    "cancellation_reason": _l("Repair cancellation reasons"),
    "contact_goal": _l("Contact goals"),
    "ignore_reason": _l("Traffic ignore reasons"),
    "lead_stage": _l("Lead stages"),
    "loss_reason": _l("Lead loss reasons"),
    "message_template": _l("Message templates"),
    "cadence": _l("Follow-up cadences"),
    "work": _l("Works"),
}

CHANNEL_LABELS = {"call": _l("Call"), "visit": _l("Visit")}
DEPARTMENT_LABELS = {
    "showroom": _l("Showroom"),
    "service": _l("Service"),
    "parts": _l("Parts"),
    "other": _l("Other"),
}
DOCUMENT_KIND_LABELS = {
    "work_sheet": _l("Work sheet"),
    "pre_booking": _l("Pre-booking"),
    "repair_visit": _l("Repair visit"),
    "work_order": _l("Work order"),
}
AUTO_RULE_LABELS = {
    "call_continuation": _l("Automatic: 2+ calls a day or an open service request"),
    "order_status": _l("Automatic: the client has an open work order"),
    "repeat_appeal": _l("Automatic: a service request ended in refusal recently"),
}
TRANSITION_LABELS = {"service_request": _l("Open the «Service request» process")}
STAGE_OUTCOME_LABELS = {"open": _l("In progress"), "won": _l("Won"), "lost": _l("Lost")}
CADENCE_TRIGGER_LABELS = {
    "qualified_no_meeting": _l("Qualified lead, no meeting set"),
    "meeting_no_show": _l("Meeting set, client did not come"),
    "manual": _l("Started by hand"),
}
CADENCE_ACTION_LABELS = {
    "call_task": _l("Create a call task"),
    "send_template": _l("Send a template"),
    "set_stage": _l("Set the lead stage"),
    "close_lost": _l("Close the lead with a loss reason"),
}


def choices(labels: dict, *, blank: bool = False) -> list[tuple[str, object]]:
    items = [(code, label) for code, label in labels.items()]
    return ([("", _l("— none —"))] + items) if blank else items
