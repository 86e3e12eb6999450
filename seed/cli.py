"""`flask seed …`: predefined catalog rows, demo data, bulk data for benchmarks."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.clock import get_clock

seed = AppGroup("seed", help="Install predefined catalogs and demo data.")


DEALER_PROMPTS = (("dealer_name", "Dealership name for messages ({dealer_name})"),
                  ("dealer_phone", "Dealership phone for messages ({dealer_phone})"))


def _at_most(limit: int):
    def check(value: str) -> str:
        if len(value.strip()) > limit:
            raise click.UsageError(f"at most {limit} characters")
        return value
    return check


@seed.command("predefined")
@click.option("--dealer-name", envvar="DEALER_NAME", default="",
              help="The dealership's name in messages, if not set yet (env DEALER_NAME).")
@click.option("--dealer-phone", envvar="DEALER_PHONE", default="",
              help="The dealership's phone in messages, if not set yet (env DEALER_PHONE).")
@click.option("--input/--no-input", "ask", default=None,
              help="Ask for what is still missing (default: only when run from a terminal; never in CI).")
def seed_predefined_command(dealer_name, dealer_phone, ask):
    """Install or complete the predefined catalog rows (idempotent; admins' edits survive), and the dealership's
    name and phone where they are still empty (asked for when run from a terminal; Enter leaves one for later)."""
    import os
    import sys

    from app.extensions import db
    from app.services.regulations import fill_dealer, load_regulations
    from seed.predefined import install_predefined

    if ask is None:
        ask = sys.stdin.isatty() and os.environ.get("CI", "").lower() != "true"
    given = {"dealer_name": dealer_name.strip(), "dealer_phone": dealer_phone.strip()}
    for name, limit in (("dealer_name", 200), ("dealer_phone", 50)):
        if len(given[name]) > limit:
            raise click.BadParameter(f"at most {limit} characters", param_hint=f"--{name.replace('_', '-')}")
    report = install_predefined(db.session, timezone=current_app.config["DASHBOARD_TIMEZONE"], **given)
    click.echo(f"predefined rows: {report.created} created, {report.existing} already present")
    regs = load_regulations(db.session)
    if ask:
        answers = {name: click.prompt(text + ", Enter to skip", default="", show_default=False,
                                      value_proc=_at_most(limit)).strip()
                   for (name, text), limit in zip(DEALER_PROMPTS, (200, 50), strict=True)
                   if not getattr(regs, name).strip()}
        if fill_dealer(db.session, **answers):
            regs = load_regulations(db.session)
    for name, _text in DEALER_PROMPTS:
        value = getattr(regs, name)
        if given[name] and value != given[name]:
            click.echo(f"{name}: already set to {value!r}, kept (change it on the settings page)")
        elif value:
            click.echo(f"{name}: {value}")
        else:
            click.echo(f"{name}: not set; messages using {{{name}}} are not sent until it is filled in "
                       "(admin home, «finish setup»)")


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
    from seed.history import install_demo_history

    events = install_demo_history(db.session, clock=get_clock())
    click.echo(f"demo history: {events} events of the last 40 days replayed" if events else
               "demo history: already present or no clients")
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
