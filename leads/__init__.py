"""Leads, meetings, the call-centre's call tasks and the follow-up cadences that workers run (seed 004)."""


def register(app) -> None:
    """Leads' timers: the cadence steps and the meeting no-show check."""
    from app.services.leads import TIMER_HANDLERS

    app.extensions["timers"].add_handlers(TIMER_HANDLERS)
