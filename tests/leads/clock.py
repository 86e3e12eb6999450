"""Moving the test clock and firing what fell due, as the worker would."""

from __future__ import annotations

from app.timers.service import run_due


def tick(session, clock, dispatcher, to):
    clock.set(to)
    return run_due(session, clock=clock, dispatcher=dispatcher)
