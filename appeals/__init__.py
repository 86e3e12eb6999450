"""Appeals: the process «Контакт с клиентом» (seed 002) and the «Обращение в СТО» it may lead to."""


def register(app) -> None:
    """Appeals and «Обращение в СТО» on the client timeline, «Зарегистрировать обращение» on the traffic card,
    the appeals API and their page."""
    from flask_babel import lazy_gettext as _l

    from app.admin.menu import MenuEntry, add_admin_views
    from app.api import add_api_blueprint
    from appeals.api import blp
    from appeals.hooks import APPEAL_BUTTON, TIMELINE_SOURCES
    from appeals.views import AppealsView
    from clients.timeline import add_timeline_sources
    from traffic.card_actions import add_card_action

    add_timeline_sources(app, TIMELINE_SOURCES)
    add_card_action(app, APPEAL_BUTTON)
    add_api_blueprint(app, blp)
    add_admin_views(app, [MenuEntry(500, lambda: AppealsView(name=_l("Appeals"), endpoint="appeals",
                                                             url="/admin/appeals"))])
