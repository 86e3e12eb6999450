"""Configurable reference data (справочники): models, admin views, predefined rows, readers."""


def register(app) -> None:
    """The catalogs' API (pick-lists for other systems) and their admin views (the cadences are the leads')."""
    from app.admin.menu import add_admin_views
    from app.api import add_api_blueprint
    from catalogs.admin import menu_entries
    from catalogs.api import blp

    add_api_blueprint(app, blp)
    add_admin_views(app, menu_entries())
