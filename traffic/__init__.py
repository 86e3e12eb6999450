"""Incoming traffic (calls and walk-ins): registration, notify-until-claimed, processing, telephony."""


def register(app) -> None:
    """Traffic's timer (escalation to the supervisors when nobody takes a record), calls and visits on the
    client timeline, telephony's «Текущий звонок», documents made «на основании» a traffic card, the API, the reception's page and the journal."""
    from flask_babel import lazy_gettext as _l

    from app.admin.menu import MenuEntry, add_admin_views
    from app.api import add_api_blueprint
    from app.extensions import db
    from app.home import add_home_panels
    from clients.current_call import add_current_call_provider
    from clients.timeline import add_timeline_sources
    from documents.origins import add_document_origin
    from traffic.admin import TrafficJournalView
    from traffic.api import blp
    from traffic.home import HOME_PANELS
    from traffic.hooks import TIMELINE_SOURCES, TRAFFIC_ORIGIN, latest_call
    from traffic.models import Traffic
    from traffic.service import TIMER_HANDLERS
    from traffic.views import TrafficView

    app.extensions["timers"].add_handlers(TIMER_HANDLERS)
    add_timeline_sources(app, TIMELINE_SOURCES)
    add_current_call_provider(app, latest_call)
    add_document_origin(app, TRAFFIC_ORIGIN)
    add_api_blueprint(app, blp)
    add_home_panels(app, HOME_PANELS)
    add_admin_views(app, [
        MenuEntry(400, lambda: TrafficView(name=_l("Incoming traffic"), endpoint="traffic", url="/admin/traffic")),
        MenuEntry(410, lambda: TrafficJournalView(Traffic, db, name=_l("Incoming traffic journal"),
                                                  endpoint="trafficjournal")),
    ])
