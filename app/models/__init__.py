"""Typed SQLAlchemy models, one module per aggregate."""


def import_all_models() -> None:
    """Register every table on the metadata (catalogs live outside app/)."""
    import app.models.audit  # noqa: F401
    import app.models.outbox  # noqa: F401
    import app.models.timers  # noqa: F401
    import app.models.user  # noqa: F401
    import appeals.models  # noqa: F401
    import catalogs.models  # noqa: F401
    import clients.models  # noqa: F401
    import documents.models  # noqa: F401
    import leads.models  # noqa: F401
    import traffic.models  # noqa: F401
