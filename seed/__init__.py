"""Predefined and demo data."""


def register(app) -> None:
    """`flask seed …`."""
    from seed.cli import seed

    app.cli.add_command(seed)
