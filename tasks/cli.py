"""`flask worker`: an RQ worker inside this app."""

from __future__ import annotations

import click
from flask import current_app


@click.command("worker")
@click.option("--queue", "queues", multiple=True, default=("default",))
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker_command(queues, burst):
    """Run an RQ worker (with the scheduler) inside this app."""
    from tasks.worker import run_worker

    run_worker(current_app._get_current_object(), queues=tuple(queues), burst=burst)
