"""The kernel's `flask` commands: users, api-tokens, timers (the seed and the worker add theirs:
`seed/cli.py`, `tasks/cli.py`). Thin: parse, call a service, print."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.clock import get_clock
from app.domain.errors import DomainError
from app.domain.roles import Role

users = AppGroup("users", help="Manage staff users.")
api_tokens = AppGroup("api-tokens", help="Manage API tokens.")

ROLE_CHOICE = click.Choice([r.value for r in Role])


def _fail(exc: DomainError):
    raise click.ClickException(exc.message % exc.params if exc.params else exc.message)


@users.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=ROLE_CHOICE)
@click.option("--full-name", default="")
def create_user_command(username, password, roles, full_name):
    """Create a user with one or more roles."""
    from app.clock import get_clock
    from app.extensions import db
    from app.services.users import create_user

    try:
        user = create_user(db.session, username=username, password=password, roles=roles, full_name=full_name,
                           clock=get_clock())
    except DomainError as exc:
        _fail(exc)
    click.echo(f"created user {user.username} (id {user.id}) with roles {', '.join(sorted(user.role_codes))}")


@users.command("set-password")
@click.option("--username", required=True)
@click.option("--password", required=True)
def set_password_command(username, password):
    """Set a new password; the user's other sessions end."""
    from app.extensions import db
    from app.services.users import set_password

    try:
        set_password(db.session, username, password)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"password changed for {username}")


@users.command("disable")
@click.option("--username", required=True)
def disable_command(username):
    """Disable a user: no login, sessions and tokens stop working."""
    from app.extensions import db
    from app.services.users import set_active

    try:
        set_active(db.session, username, False)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"disabled {username}")


@users.command("reset-2fa")
@click.argument("username")
def reset_2fa_command(username):
    """Turn a user's second factor off (lost phone); their sessions end and they may set it up again."""
    from app.extensions import db
    from app.services.two_factor import reset

    try:
        reset(db.session, username)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"two-factor authentication reset for {username}")


@api_tokens.command("create")
@click.option("--username", required=True)
@click.option("--name", default="", help="What the token is for (e.g. the PBX).")
def create_token_command(username, name):
    """Create an API token; the token is the last line of the output."""
    from app.api.auth import issue_token
    from app.clock import get_clock
    from app.extensions import db
    from app.services.users import get_user

    try:
        user = get_user(db.session, username)
    except DomainError as exc:
        _fail(exc)
    token = issue_token(db.session, user, clock=get_clock(), name=name)
    click.echo(f"API token for {username} (shown once, keep it secret):")
    click.echo(token)


timers = AppGroup("timers", help="Durable timers: run what is due, show the state, reconcile.")


@timers.command("run-due")
def timers_run_due():
    """Fire, synchronously in this process, every timer that is due now."""
    from app.extensions import db
    from app.jobs import get_dispatcher
    from app.timers.service import run_due

    counts = run_due(db.session, clock=get_clock(), dispatcher=get_dispatcher())
    click.echo(f"timers: {counts['done']} done, {counts['failed']} failed, {counts['skipped']} skipped")


@timers.command("status")
def timers_status():
    """Pending, running, done and failed timers by kind; overdue and expired leases."""
    from app.extensions import db
    from app.timers.service import status

    report = status(db.session, clock=get_clock())
    click.echo(f"overdue: {report['overdue']}  expired leases: {report['expired_leases']}  "
               f"next due: {report['next_due'].isoformat() if report['next_due'] else '-'}")
    for kind, state, count in sorted(report["by_kind"]):
        click.echo(f"  {kind:<28} {state:<10} {count}")


@timers.command("reconcile")
@click.option("--loop", is_flag=True, help="Keep reconciling every --interval seconds (the Procfile runs this).")
@click.option("--interval", type=click.IntRange(5, 3600), default=30, show_default=True)
def timers_reconcile(loop, interval):
    """Re-enqueue overdue timers and stuck outbox messages; create the next daily timers."""
    import time

    from app.extensions import db
    from app.jobs import get_dispatcher
    from app.timers.service import reconcile

    while True:
        try:
            report = reconcile(db.session, clock=get_clock(), dispatcher=get_dispatcher())
            if any(report.values()) or not loop:
                click.echo(f"reconciled: {report['timers']} timers, {report['messages']} messages re-enqueued, "
                           f"{report['daily_created']} daily timers created")
        except Exception as exc:  # noqa: BLE001 - a database outage must not end the loop
            db.session.rollback()
            click.echo(f"reconcile failed: {exc}", err=True)
        finally:
            db.session.remove()
        if not loop:
            return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:  # Ctrl-C in `make run`: stop between rounds, no traceback
            return


def init_app(app: Flask) -> None:
    for command in (users, api_tokens, timers):
        app.cli.add_command(command)
