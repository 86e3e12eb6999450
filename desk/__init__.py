"""Bookings, the visit-confirmation desk and the schedule («График»)."""


def register(app) -> None:
    """The desk's timers (the daily confirmation list, always kept for today and the next working day; call
    retries, callbacks and the auto-cancellation; the day's end that turns the awaited into no-shows), a repair
    visit marking its booking arrived, bookings on the client timeline and as a document kind,
    the bookings API, the desk and the schedule, and bookings among the documents."""
    from flask_babel import lazy_gettext as _l

    from app.admin.menu import DOCUMENTS, MenuEntry, add_admin_views
    from app.api import add_api_blueprint
    from app.extensions import db
    from app.home import add_home_panels
    from clients.search import add_client_filters, add_client_owners
    from clients.timeline import add_timeline_sources
    from desk.admin import BookingView
    from desk.api import blp
    from desk.home import HOME_PANELS
    from desk.hooks import CLIENT_FILTERS, CLIENT_OWNERS, TIMELINE_SOURCES
    from desk.models import Booking
    from desk.service import (
        TIMER_HANDLERS,
        arrival_by_repair_visit,
        ensure_daily_timers,
        ensure_day_end_timers,
    )
    from desk.views import DeskView
    from documents.kinds import add_document_kinds, add_document_listener

    timers = app.extensions["timers"]
    timers.add_handlers(TIMER_HANDLERS)
    timers.add_periodic(ensure_daily_timers)
    timers.add_periodic(ensure_day_end_timers)
    add_timeline_sources(app, TIMELINE_SOURCES)
    add_client_filters(app, CLIENT_FILTERS)
    add_client_owners(app, *CLIENT_OWNERS)
    add_document_kinds(app, {"pre_booking": Booking})
    add_document_listener(app, "repair_visit", arrival_by_repair_visit)
    add_api_blueprint(app, blp)
    add_home_panels(app, HOME_PANELS)
    add_admin_views(app, [
        MenuEntry(300, lambda: DeskView(name=_l("Service bookings"), endpoint="desk", url="/admin/desk")),
        MenuEntry(700, lambda: BookingView(Booking, db, name=_l("Pre-bookings"), category=DOCUMENTS,
                                           endpoint="booking")),
    ])
