"""Server-time benchmark of the foundation's pages (catalog lists, home, API catalog, login).

Usage: .venv/bin/python tools/bench_foundation.py [--runs 200] [--database-url URL]
Seeds a fresh database (predefined + demo), then times each page through the Flask test client
(no network) as the right role, and counts SQL statements per request. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import StatementCounter, bench_app, print_table, time_pages  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from app.api.auth import issue_token
    from app.clock import SystemClock

    app, url = bench_app(args.database_url)
    with app.app_context():
        from app.extensions import db
        from app.models.user import User

        admin = db.session.scalar(db.select(User).where(User.username == "admin"))
        token = issue_token(db.session, admin, clock=SystemClock())
        counter = StatementCounter(db.engine)
        client = app.test_client(user=admin)

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
    rows = time_pages(client, pages, runs=args.runs, counter=counter)
    print_table(rows, title=f"page ({url.split(':', 1)[0]}, {args.runs} runs)")


if __name__ == "__main__":
    main()
