"""Labels (English msgids, translated where shown) for leads, call tasks and cadence runs."""

from __future__ import annotations

from app.domain.i18n import N_

OUTCOME_LABELS = {"reached": N_("Reached"), "not_reached": N_("Not reached"), "call_later": N_("Asked to call later")}
ACTION_LABELS = {"call_task": N_("Call task"), "send_template": N_("Send a template"), "set_stage": N_("Set the stage"),
                 "close_lost": N_("Close the lead as lost")}
TASK_STATUS_LABELS = {"open": N_("Open"), "done": N_("Done"), "cancelled": N_("Cancelled")}
RUN_STATUS_LABELS = {"running": N_("Running"), "stopped": N_("Stopped"), "completed": N_("Completed")}
STOP_REASON_LABELS = {"contact_made": N_("contact made"), "message_reply": N_("the client replied"),
                      "meeting_set": N_("a meeting was set"), "meeting_held": N_("the meeting was held"),
                      "no_meeting_set": N_("a new cadence"), "closed_lost": N_("the lead was closed"),
                      "finished": N_("all steps done"), "client_contact": N_("the client got in touch")}
PAUSE_LABELS = {"callback": N_("a next call agreed with the client"),
                "objective": N_("an objective reason")}
CONTACT_SOURCE_LABELS = {"traffic_call": N_("an incoming call"), "traffic_visit": N_("a visit"),
                         "appeal": N_("an appeal")}
EVENT_LABELS = {
    "created": N_("Lead created"), "no_meeting_set": N_("No meeting set"), "meeting_set": N_("Meeting set"),
    "contact_made": N_("Contact made"), "not_reached": N_("Not reached"), "no_show": N_("The client did not come"),
    "meeting_held": N_("Meeting held"), "message_reply": N_("The client replied"), "stage_set": N_("Stage set"),
    "closed": N_("Lead closed"), "cadence_started": N_("Cadence started"), "cadence_stopped": N_("Cadence stopped"),
    "cadence_step": N_("Cadence step"), "client_contact": N_("The client got in touch"),
}
