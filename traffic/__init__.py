"""Incoming traffic (calls and walk-ins): registration, notify-until-claimed, processing, telephony."""


def register(app) -> None:
    """Traffic's timer: escalation to the supervisors when nobody takes a record."""
    from app.services.traffic import TIMER_HANDLERS

    app.extensions["timers"].add_handlers(TIMER_HANDLERS)
