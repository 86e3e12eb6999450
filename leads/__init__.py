"""Leads, meetings, the call-centre's call tasks and the follow-up cadences that workers run (seed 004)."""


def register(app) -> None:
    """Leads' timers (the cadence steps, the meeting no-show check), lead events on the client timeline,
    a client's reply stopping their cadences, and the leads API."""
    from app.api import add_api_blueprint
    from app.messaging.inbound import add_reply_listener
    from clients.timeline import add_timeline_sources
    from leads.api import blp
    from leads.hooks import TIMELINE_SOURCES, on_client_reply
    from leads.service import TIMER_HANDLERS

    app.extensions["timers"].add_handlers(TIMER_HANDLERS)
    add_timeline_sources(app, TIMELINE_SOURCES)
    add_reply_listener(app, on_client_reply)
    add_api_blueprint(app, blp)
