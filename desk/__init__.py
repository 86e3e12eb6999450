"""The visit-confirmation desk and the schedule («График»), on top of app/services/desk.py."""


def register(app) -> None:
    """The desk's timers: the daily confirmation list (always kept for today and the next working day),
    call retries, callbacks and the auto-cancellation."""
    from app.services.desk import TIMER_HANDLERS, ensure_daily_timers

    timers = app.extensions["timers"]
    timers.add_handlers(TIMER_HANDLERS)
    timers.add_periodic(ensure_daily_timers)
