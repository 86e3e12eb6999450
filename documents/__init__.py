"""The client's documents that traffic, bookings and the workstation refer to: pre-bookings, work
orders, repair visits, sales work sheets and parts reservations. Minimal but real: creatable,
listable and linkable."""


def register(app) -> None:
    """The documents on the client timeline."""
    from clients.timeline import add_timeline_sources
    from documents.timeline import TIMELINE_SOURCES

    add_timeline_sources(app, TIMELINE_SOURCES)
