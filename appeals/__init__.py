"""Appeals: the process «Контакт с клиентом» (seed 002) and the «Обращение в СТО» it may lead to."""


def register(app) -> None:
    """Appeals and «Обращение в СТО» on the client timeline."""
    from appeals.hooks import TIMELINE_SOURCES
    from clients.timeline import add_timeline_sources

    add_timeline_sources(app, TIMELINE_SOURCES)
