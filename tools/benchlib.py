"""Shared pieces of the benchmark scripts: an app on a given database, timing pages through the test client
with a SQL statement count, and a Markdown table of p50/p95/p99."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import event


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def bench_app(database_url: str | None):
    """An app on `database_url` (default: a new SQLite file), migrated, with predefined rows and demo users."""
    from flask_login import FlaskLoginClient
    from flask_migrate import upgrade

    from app import create_app
    from app.jobs import RecordingDispatcher

    url = database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False}, dispatcher=RecordingDispatcher())
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        from app.extensions import db
        from seed.demo import install_demo
        from seed.predefined import install_predefined

        upgrade()
        install_predefined(db.session)
        install_demo(db.session)
    return app, url


class StatementCounter:
    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args, **_kwargs) -> None:
        self.count += 1


def time_pages(client, pages: Iterable[tuple[str, str, dict]], *, runs: int, counter: StatementCounter,
               warmup: int = 10) -> list[tuple[str, float, float, float, int]]:
    """(label, p50, p95, p99 in ms, most SQL statements) per page; every answer must be 200."""
    rows = []
    for label, path, headers in pages:
        for _ in range(warmup):
            client.get(path, headers=headers)
        timings, counts = [], []
        for _ in range(runs):
            counter.count = 0
            start = time.perf_counter()
            response = client.get(path, headers=headers)
            timings.append((time.perf_counter() - start) * 1000)
            counts.append(counter.count)
            assert response.status_code == 200, (path, response.status_code)
        rows.append((label, statistics.median(timings), percentile(timings, 0.95), percentile(timings, 0.99),
                     max(counts)))
    return rows


def print_table(rows, *, title: str) -> None:
    print(f"| {title} | p50 ms | p95 ms | p99 ms | SQL statements |")
    print("|---|---|---|---|---|")
    for label, p50, p95, p99, count in rows:
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {count} |")
