"""The clients-and-cars workstation (АРМ «Клиенты и автомобили»): clients, contacts, cars, events."""


def register(app) -> None:
    """The client timeline's own sources (the client's events and the messages sent to them), who a
    replying phone or address belongs to, the API and the workstation's page."""
    from flask_babel import lazy_gettext as _l

    from app.admin.menu import MenuEntry, add_admin_views
    from app.api import add_api_blueprint
    from app.messaging.inbound import set_sender_resolver
    from clients.api import blp
    from clients.service import client_by_contact
    from clients.timeline import TIMELINE_SOURCES, add_timeline_sources
    from clients.views import ClientsView

    add_timeline_sources(app, TIMELINE_SOURCES)
    set_sender_resolver(app, client_by_contact)
    add_api_blueprint(app, blp)
    add_admin_views(app, [MenuEntry(200, lambda: ClientsView(name=_l("Clients and cars"), endpoint="clients",
                                                             url="/admin/clients"))])
