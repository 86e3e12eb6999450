"""The clients-and-cars workstation (АРМ «Клиенты и автомобили»): clients, contacts, cars, events."""


def register(app) -> None:
    """The client timeline's own sources: the client's events and the messages sent to them."""
    from clients.timeline import TIMELINE_SOURCES, add_timeline_sources

    add_timeline_sources(app, TIMELINE_SOURCES)
