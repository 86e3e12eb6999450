"""Human names of tables and fields, for menus, the home page and the audit log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from catalogs.labels import CATALOG_TITLES

ENTITY_TITLES = {
    **CATALOG_TITLES,
    "appeal_outcome": _l("Appeal outcomes"),
    "cadence_step": _l("Steps"),
    "regulation_settings": _l("Regulation settings"),
    "user": _l("Users"),
    "client": _l("Clients"),
    "client_contact": _l("Contact details"),
    "car": _l("Cars"),
    "client_event": _l("Events"),
    "booking": _l("Pre-bookings"),
    "work_order": _l("Work orders"),
    "work_order_line": _l("Works"),
    "repair_visit": _l("Repair visits"),
    "work_sheet": _l("Work sheets"),
    "parts_reservation": _l("Parts reservations"),
    "booking_work": _l("Works"),
    "calendar_exception": _l("Working calendar exceptions"),
    "lead": _l("Leads"),
    "cadence_run": _l("Follow-up cadences"),
    "call_task": _l("Call tasks"),
    "traffic": _l("Incoming traffic"),
    "appeal": _l("Appeals"),
    "service_request": _l("Service requests"),
}
# Fields never shown in the audit log: keys and counters, not data a person changed.
HIDDEN_FIELDS = frozenset({"id", "version", "next_step", "waiting_for_task_id", "step_index", "password_hash",
                           "row_version", "cadence_name"})


def _labels():
    from app.domain.roles import ROLE_LABELS
    from app.messaging.labels import MESSAGE_CHANNEL_LABELS
    from catalogs import labels as cl
    from clients import labels as kl
    from desk import labels as dl
    from documents import labels as docl
    from leads import labels as ll

    return {
        ("", "roles"): {str(code.value if hasattr(code, "value") else code): label for code, label in
                        ROLE_LABELS.items()},
        ("cadence_step", "action"): cl.CADENCE_ACTION_LABELS,
        ("cadence_run", "action"): cl.CADENCE_ACTION_LABELS,
        ("cadence", "trigger"): cl.CADENCE_TRIGGER_LABELS,
        ("message_template", "channel"): MESSAGE_CHANNEL_LABELS,
        ("contact_goal", "channel"): cl.CHANNEL_LABELS,
        ("lead_stage", "outcome"): cl.STAGE_OUTCOME_LABELS,
        ("call_task", "outcome"): ll.OUTCOME_LABELS,
        ("call_task", "status"): ll.TASK_STATUS_LABELS,
        ("cadence_run", "status"): ll.RUN_STATUS_LABELS,
        ("cadence_run", "stop_reason"): ll.STOP_REASON_LABELS,
        ("cadence_run", "pause_reason"): ll.PAUSE_LABELS,
        ("client_event", "kind"): kl.EVENT_KIND_LABELS,
        ("client_event", "status"): kl.EVENT_STATUS_LABELS,
        ("client", "kind"): kl.CLIENT_KIND_LABELS,
        ("client_contact", "kind"): kl.CONTACT_KIND_LABELS,
        ("booking", "status"): dl.BOOKING_STATUS_LABELS,
        ("booking", "confirmation_state"): dl.STATE_LABELS,
        ("work_order", "state"): docl.WORK_ORDER_STATE_LABELS,
        ("work_sheet", "status"): docl.WORK_SHEET_STATUS_LABELS,
        ("parts_reservation", "status"): docl.RESERVATION_STATUS_LABELS,
        # a list of dicts kept in a field is read with the field titles of this table
        ("", "__children__"): {"cadence_run": "cadence_step"},
    }


class _ValueLabels(dict):
    """(table, field) → {code: label}; ("", field) for a field of any table. Built on first use."""

    def _fill(self):
        if not self:
            self.update(_labels())

    def get(self, key, default=None):
        self._fill()
        return super().get(key, default)


VALUE_LABELS = _ValueLabels()


def _regulation_settings_title(row) -> str:
    return str(_l("Regulation settings"))


def _cadence_run_title(row) -> str:
    return row.cadence_name or ""


def _call_task_title(row) -> str:
    return row.purpose or str(_l("Call task"))


def _client_event_title(row) -> str:
    summary = row.summary or ""
    return summary if len(summary) <= 80 else summary[:79] + "…"


def _cadence_step_title(row) -> str:
    from catalogs.labels import CADENCE_ACTION_LABELS

    return f"{row.sort_order}. {CADENCE_ACTION_LABELS.get(row.action, row.action)}"


RECORD_TITLES = {
    "cadence_step": _cadence_step_title,
    "client_event": _client_event_title,
    "regulation_settings": _regulation_settings_title,
    "cadence_run": _cadence_run_title,
    "call_task": _call_task_title,
}
# Fields of the clients and their documents, for the audit log.
CLIENT_FIELD_LABELS = {
    "value": _l("Value"), "kind": _l("Kind"), "inn": _l("INN"), "discount_card": _l("Discount card"),
    "manager_id": _l("Main manager"), "make_model": _l("Make and model"), "vin": _l("VIN"), "plate": _l("Plate"),
    "year": _l("Year"), "summary": _l("Summary"), "comment": _l("Comment"), "is_main": _l("Main"),
    "cadence": _l("Cadence"), "cadence_name": _l("Cadence"), "lead": _l("Lead"), "client": _l("Client"),
    "steps": _l("Steps"), "status": _l("Status"), "started_at": _l("Started"), "next_at": _l("Next step at"),
    "ended_at": _l("Ended"), "stop_reason": _l("Stop reason"), "stop_on_contact": _l("Stop as soon as contact is made"),
    "paused_until": _l("Paused until"), "pause_reason": _l("Pause reason"), "pause_note": _l("Pause note"),
    "assignee": _l("Assignee"), "purpose": _l("Purpose"), "due_at": _l("Due"), "outcome": _l("Outcome"),
    "callback_at": _l("Call back at"), "done_at": _l("Done"), "done_by": _l("Done by"), "created_at": _l("Created"),
    "note": _l("Note"), "author": _l("Author"), "responsible": _l("Responsible"), "at": _l("When"),
    "last_contact_at": _l("Last contact"), "created_by": _l("Created by"), "meeting_at": _l("Meeting"),
    "meeting_employee": _l("Meeting with"), "booking": _l("Pre-booking"), "work_order": _l("Work order"),
    "next_call_at": _l("Next call"), "cadence_run": _l("Cadence"),
}
# «Add …» under a form's inline rows, by the inline model's table (Russian needs the accusative: «Добавить работу»).
INLINE_ADD_LABELS = {
    "booking_work": _l("Add a work"),
    "work_order_line": _l("Add a work"),
    "appeal_outcome": _l("Add an outcome"),
    "cadence_step": _l("Add a step"),
}


def field_label(name: str) -> str:
    from admin_views.settings import RegulationsForm
    from admin_views.users import UserView
    from catalogs.admin import COMMON_LABELS
    from documents.admin import DocumentView

    if name in COMMON_LABELS:
        return str(COMMON_LABELS[name])
    if name in CLIENT_FIELD_LABELS:
        return str(CLIENT_FIELD_LABELS[name])
    if name in DocumentView.column_labels:
        return str(DocumentView.column_labels[name])
    if name in UserView.column_labels:
        return str(UserView.column_labels[name])
    field = getattr(RegulationsForm, name, None)
    if field is not None and "label" in getattr(field, "kwargs", {}):
        return str(field.kwargs["label"])
    if field is not None and field.args:
        return str(field.args[0])
    return name
