"""Configurable reference data (справочники): models, admin views, predefined rows, readers."""


def register(app) -> None:
    """The catalogs' API (pick-lists for other systems)."""
    from app.api import add_api_blueprint
    from catalogs.api import blp

    add_api_blueprint(app, blp)
