"""RQ jobs: thin entry points that take ids, call one service, and are safe to run twice; and the worker."""


def register(app) -> None:
    """`flask worker`."""
    from tasks.cli import worker_command

    app.cli.add_command(worker_command)
