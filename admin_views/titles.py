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
}
# Fields of the clients and their documents, for the audit log.
CLIENT_FIELD_LABELS = {
    "value": _l("Value"), "kind": _l("Kind"), "inn": _l("INN"), "discount_card": _l("Discount card"),
    "manager_id": _l("Main manager"), "make_model": _l("Make and model"), "vin": _l("VIN"), "plate": _l("Plate"),
    "year": _l("Year"), "summary": _l("Summary"), "comment": _l("Comment"), "is_main": _l("Main"),
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
