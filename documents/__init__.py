"""The client's documents that traffic, bookings and the workstation refer to: work orders, repair visits,
sales work sheets and parts reservations (pre-bookings are the desk's). Minimal but real: creatable,
listable and linkable."""


def register(app) -> None:
    """The documents on the client timeline, in the workstation's search and debt, and among the kinds a traffic
    record can be attached to; their lists and forms under «Documents»."""
    from app.admin.menu import add_admin_views
    from clients.search import add_client_filters, add_client_owners
    from clients.service import add_client_debt
    from clients.timeline import add_timeline_sources
    from documents.admin import menu_entries
    from documents.hooks import CLIENT_FILTERS, CLIENT_OWNERS, TIMELINE_SOURCES, open_orders_debt
    from documents.kinds import add_document_kinds
    from documents.models import RepairVisit, WorkOrder, WorkSheet

    add_timeline_sources(app, TIMELINE_SOURCES)
    add_client_filters(app, CLIENT_FILTERS)
    add_client_owners(app, *CLIENT_OWNERS)
    add_client_debt(app, open_orders_debt)
    add_document_kinds(app, {"work_sheet": WorkSheet, "repair_visit": RepairVisit, "work_order": WorkOrder})
    add_admin_views(app, menu_entries())
