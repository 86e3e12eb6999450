"""Benchmark of the clients workstation search on a large client base, with the query plans.

Usage: FLASK_DEBUG=1 .venv/bin/python tools/bench_clients.py [--clients 100000] [--runs 100]
                                                             [--database-url URL]
Creates (once) `--clients` synthetic clients with phones, e-mails and cars (`flask seed bulk`),
then times the search page and the API through the Flask test client (server time, warm), counts
SQL statements per request and prints EXPLAIN for the main searches, so the index use is visible.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import StatementCounter, bench_app, print_table, time_pages  # noqa: E402

SEARCHES = [
    ("name, 5 letters inside the name", {"client": "ванов"}),
    ("name, 2 letters (prefix)", {"client": "ко"}),
    ("discount card", {"client": "DK-1234"}),
    ("phone, full +7 form", {"phone": "+7 (916) 123-45-67"}),
    ("phone, full 8 form", {"phone": "8 916 123-45-67"}),
    ("phone, last 4 digits", {"phone": "4567"}),
    ("e-mail part", {"phone": "client777@"}),
    ("plate, Cyrillic lower case", {"car": "о123"}),
    ("VIN part", {"car": "XTA1"}),
    ("no search, with open orders (filter only)", {"open_orders": "1"}),
    ("everything, first page", {"all": "1"}),
    ("name + phone + car combined", {"client": "ова", "phone": "9", "car": "77"}),
]


def explain(session, statement) -> list[str]:
    from sqlalchemy import text

    dialect = session.get_bind().dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if dialect.name == "sqlite":
        return [row[3] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql))]
    return [row[0] for row in session.execute(text("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from urllib.parse import urlencode

    from sqlalchemy import func, select

    from app.api.auth import issue_token
    from app.clock import SystemClock
    from clients.models import Car, Client, ClientContact
    from clients.search import ClientQuery, search_statement
    from seed.clients import install_bulk_clients

    app, url = bench_app(args.database_url)
    with app.app_context():
        from app.extensions import db
        from app.models.user import User

        have = db.session.scalar(select(func.count()).select_from(Client))
        if have < args.clients:
            started = time.perf_counter()
            install_bulk_clients(db.session, count=args.clients - have, clock=SystemClock())
            print(f"seeded {args.clients - have} clients in {time.perf_counter() - started:.0f} s")
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        else:
            db.session.execute(db.text("ANALYZE"))
        sizes = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                 for model in (Client, ClientContact, Car)}
        advisor = db.session.scalar(select(User).where(User.username == "advisor"))
        token = issue_token(db.session, advisor, clock=SystemClock())
        counter = StatementCounter(db.engine)
        client = app.test_client(user=advisor)
        plans = {label: explain(db.session, search_statement(
            db.session, ClientQuery.from_mapping(query), user_id=advisor.id,
            day=(SystemClock().now(), SystemClock().now())))
            for label, query in SEARCHES if label.startswith(("name, 5", "name, 2", "phone, last", "plate", "VIN"))}

    engine_name = url.split(":", 1)[0].split("+")[0]
    print(f"\n{engine_name}: " + ", ".join(f"{n} {t} rows" for t, n in sizes.items()) + "\n")
    pages = [(f"search page: {label}", "/admin/clients/?" + urlencode(query), {}) for label, query in SEARCHES]
    pages.append(("API GET /clients?phone=4567", "/api/v1/clients?phone=4567", {"Authorization": f"Bearer {token}"}))
    pages.append(("API GET /clients?car=н123", "/api/v1/clients?car=н123", {"Authorization": f"Bearer {token}"}))
    rows = time_pages(client, pages, runs=args.runs, counter=counter, warmup=3)
    print_table(rows, title=f"request ({engine_name}, {args.runs} runs)")
    for label, plan in plans.items():
        print(f"\nEXPLAIN — {label}:")
        for line in plan:
            print("    " + line)


if __name__ == "__main__":
    main()
