"""Leads, meetings, the call-centre's call tasks and the follow-up cadences that workers run (seed 004)."""


def register(app) -> None:
    """Leads' timers (the cadence steps, the meeting no-show check), lead events on the client timeline,
    a client's reply, call, visit or appeal stopping their cadences, the leads API, their page and the cadences catalog."""
    from flask_babel import lazy_gettext as _l

    from app.admin.menu import MenuEntry, add_admin_views
    from app.api import add_api_blueprint
    from app.contacts import add_contact_listener
    from app.home import add_home_panels
    from app.messaging.inbound import add_reply_listener
    from catalogs.admin import catalog_entry
    from catalogs.models import Cadence
    from clients.timeline import add_timeline_sources
    from leads.admin import CadenceView
    from leads.api import blp
    from leads.home import HOME_PANELS
    from leads.hooks import TIMELINE_SOURCES, on_client_contact, on_client_reply
    from leads.service import TIMER_HANDLERS
    from leads.views import LeadsView

    app.extensions["timers"].add_handlers(TIMER_HANDLERS)
    add_timeline_sources(app, TIMELINE_SOURCES)
    add_reply_listener(app, on_client_reply)
    add_contact_listener(app, on_client_contact)
    add_api_blueprint(app, blp)
    add_home_panels(app, HOME_PANELS)
    add_admin_views(app, [
        catalog_entry(170, Cadence, CadenceView, "cadence"),  # the cadences catalog, checked by the leads' rules
        MenuEntry(600, lambda: LeadsView(name=_l("Leads"), endpoint="leads", url="/admin/leads")),
    ])
