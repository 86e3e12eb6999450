"""Appeals: the process «Контакт с клиентом» (seed 002) and the «Обращение в СТО» it may lead to."""


def register(app) -> None:
    """Appeals and «Обращение в СТО» on the client timeline, «Зарегистрировать обращение» on the traffic card,
    and the appeals API."""
    from app.api import add_api_blueprint
    from appeals.api import blp
    from appeals.hooks import APPEAL_BUTTON, TIMELINE_SOURCES
    from clients.timeline import add_timeline_sources
    from traffic.card_actions import add_card_action

    add_timeline_sources(app, TIMELINE_SOURCES)
    add_card_action(app, APPEAL_BUTTON)
    add_api_blueprint(app, blp)
