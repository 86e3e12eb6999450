"""Bookings, the visit-confirmation desk and the schedule («График»)."""


def register(app) -> None:
    """The desk's timers (the daily confirmation list, always kept for today and the next working day; call
    retries, callbacks and the auto-cancellation), bookings on the client timeline and as a document kind,
    and the bookings API."""
    from app.api import add_api_blueprint
    from clients.search import add_client_filters, add_client_owners
    from clients.timeline import add_timeline_sources
    from desk.api import blp
    from desk.hooks import CLIENT_FILTERS, CLIENT_OWNERS, TIMELINE_SOURCES
    from desk.models import Booking
    from desk.service import TIMER_HANDLERS, ensure_daily_timers
    from documents.kinds import add_document_kinds

    timers = app.extensions["timers"]
    timers.add_handlers(TIMER_HANDLERS)
    timers.add_periodic(ensure_daily_timers)
    add_timeline_sources(app, TIMELINE_SOURCES)
    add_client_filters(app, CLIENT_FILTERS)
    add_client_owners(app, *CLIENT_OWNERS)
    add_document_kinds(app, {"pre_booking": Booking})
    add_api_blueprint(app, blp)
