"""Incoming traffic (calls and walk-ins): registration, notify-until-claimed, processing, telephony."""


def register(app) -> None:
    """Traffic's timer (escalation to the supervisors when nobody takes a record), calls and visits on the
    client timeline, and telephony's «Текущий звонок»."""
    from app.services.traffic import TIMER_HANDLERS
    from clients.current_call import add_current_call_provider
    from clients.timeline import add_timeline_sources
    from traffic.hooks import TIMELINE_SOURCES, latest_call

    app.extensions["timers"].add_handlers(TIMER_HANDLERS)
    add_timeline_sources(app, TIMELINE_SOURCES)
    add_current_call_provider(app, latest_call)
