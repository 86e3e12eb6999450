"""Leads, meetings, the call-centre's call tasks and the follow-up cadences that workers run (seed 004)."""


def register(app) -> None:
    """Leads' timers (the cadence steps, the meeting no-show check) and lead events on the client timeline."""
    from app.services.leads import TIMER_HANDLERS
    from clients.timeline import add_timeline_sources
    from leads.hooks import TIMELINE_SOURCES

    app.extensions["timers"].add_handlers(TIMER_HANDLERS)
    add_timeline_sources(app, TIMELINE_SOURCES)
