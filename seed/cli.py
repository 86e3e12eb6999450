"""`flask seed …`: predefined catalog rows, demo data, bulk data for benchmarks."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.clock import get_clock

seed = AppGroup("seed", help="Install predefined catalogs and demo data.")


@seed.command("predefined")
def seed_predefined_command():
    """Install or complete the predefined catalog rows (idempotent; admins' edits survive)."""
    from app.extensions import db
    from seed.predefined import install_predefined

    report = install_predefined(db.session, timezone=current_app.config["DASHBOARD_TIMEZONE"])
    click.echo(f"predefined rows: {report.created} created, {report.existing} already present")


@seed.command("demo")
@click.option("--clients", type=click.IntRange(0, 100_000), default=300, show_default=True,
              help="How many demo clients (with cars and documents) to add to an empty client base.")
def seed_demo_command(clients):
    """Add demo users for every role and a little demo data; prints the logins."""
    from app.extensions import db
    from seed.demo import DEMO_PASSWORD, install_demo
    from seed.predefined import install_predefined

    install_predefined(db.session, timezone=current_app.config["DASHBOARD_TIMEZONE"])
    created = install_demo(db.session)
    from seed.clients import install_demo_clients

    clients = install_demo_clients(db.session, clock=get_clock(), count=clients)
    click.echo(f"demo clients: {clients} created" if clients else "demo clients: already present")
    from seed.leads import install_demo_leads

    leads = install_demo_leads(db.session, clock=get_clock())
    click.echo(f"demo leads: {leads} created" if leads else "demo leads: already present or no clients")
    click.echo(f"demo logins (password for all: {DEMO_PASSWORD}):")
    for username, roles in created:
        click.echo(f"  {username:<12} {', '.join(roles)}")


@seed.command("bulk")
@click.option("--clients", "count", type=click.IntRange(1, 5_000_000), default=100_000, show_default=True)
def seed_bulk_command(count):
    """Add many synthetic clients with phones and cars (for benchmarks; fast batch inserts)."""
    import time

    from app.extensions import db
    from seed.clients import install_bulk_clients

    started = time.perf_counter()
    made = install_bulk_clients(db.session, count=count, clock=get_clock())
    click.echo(f"bulk clients: {made} created in {time.perf_counter() - started:.1f} s")
