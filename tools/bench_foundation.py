"""Server-time benchmark of the foundation's pages (catalog lists, home, API catalog, login).

Usage: .venv/bin/python tools/bench_foundation.py [--runs 200] [--database-url URL]
Seeds a fresh database (predefined + demo), then times each page through the Flask test client
(no network) as the right role, and counts SQL statements per request. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from flask_login import FlaskLoginClient
    from flask_migrate import upgrade

    from app import create_app
    from app.api.auth import issue_token
    from app.clock import SystemClock
    from app.jobs import RecordingDispatcher

    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False}, dispatcher=RecordingDispatcher())
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        from app.extensions import db
        from app.models.user import User
        from seed.demo import install_demo
        from seed.predefined import install_predefined

        upgrade()
        install_predefined(db.session)
        install_demo(db.session)
        admin = db.session.scalar(db.select(User).where(User.username == "admin"))
        token = issue_token(db.session, admin, clock=SystemClock())
        engine = db.engine
        admin_id = admin.id

    statements = {"n": 0}
    event.listen(engine, "before_cursor_execute", lambda *a, **k: statements.__setitem__("n", statements["n"] + 1))

    pages = [
        ("home (admin)", "/admin/", {}),
        ("catalog list: appeal categories", "/admin/appealcategory/", {}),
        ("catalog list: contact goals", "/admin/contactgoal/", {}),
        ("catalog list: cadences", "/admin/cadence/", {}),
        ("catalog edit form: cadence", "/admin/cadence/edit/?id=1", {}),
        ("regulation settings", "/admin/regulations/", {}),
        ("audit log", "/admin/audit/", {}),
        ("API GET /catalogs/contact-goals", "/api/v1/catalogs/contact-goals", {"Authorization": f"Bearer {token}"}),
        ("API GET /me", "/api/v1/me", {"Authorization": f"Bearer {token}"}),
    ]
    rows = []
    with app.app_context():
        user = db.session.get(User, admin_id)
        client = app.test_client(user=user)
    for label, path, headers in pages:
        for _ in range(10):  # warm-up
            client.get(path, headers=headers)
        timings, counts = [], []
        for _ in range(args.runs):
            statements["n"] = 0
            start = time.perf_counter()
            response = client.get(path, headers=headers)
            timings.append((time.perf_counter() - start) * 1000)
            counts.append(statements["n"])
            assert response.status_code == 200, (path, response.status_code)
        rows.append((label, statistics.median(timings), percentile(timings, 0.95), percentile(timings, 0.99),
                     max(counts)))
    engine_name = url.split(":", 1)[0]
    print(f"| page ({engine_name}, {args.runs} runs) | p50 ms | p95 ms | p99 ms | SQL statements |")
    print("|---|---|---|---|---|")
    for label, p50, p95, p99, count in rows:
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {count} |")


if __name__ == "__main__":
    main()
