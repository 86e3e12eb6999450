"""Benchmark of «Показатели», `GET /api/v1/kpis` and the role homes at tier M (issue 14): server time, SQL
statements per request and the plans of the KPI queries.

Usage: FLASK_DEBUG=1 .venv/bin/python tools/bench_kpis.py [--clients 500000] [--traffic 3000000]
                                                          [--bookings-per-day 60] [--leads 100000] [--runs 50]
                                                          [--database-url URL] [--output FILE]
Seeds once what is missing, as tools/bench_traffic.py does (clients, traffic, leads), plus a year of bookings
at `--bookings-per-day` with their confirmation calls and outcomes (inserted in bulk: what the desk would have
left — confirmed or not, came or not, auto-cancelled after three failures). Then times each page through the
Flask test client (warm, objects alive after seeding frozen as in a pre-forking server) and prints, for the
month view, every KPI statement's plan (EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite).
The report goes to stdout and to docs/bench-kpis-<engine>.txt (or --output).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_traffic import StatementLog, explain  # noqa: E402
from bench_traffic import seed as seed_traffic  # noqa: E402
from benchlib import StatementCounter, bench_app, time_pages  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MONTH_TARGET_MS = 300  # issue 14: the month view's p95
HOME_TARGET_MS = 150  # issue 14: the home pages' p95


def seed_bookings(db, per_day: int, say) -> None:
    """A year of bookings up to the coming week with the desk's calls, written in bulk (ids continue)."""
    from sqlalchemy import func, insert, select

    from app.models.user import User
    from clients.models import Client
    from desk.models import Booking, ConfirmationAttempt

    have = db.session.scalar(select(func.count()).select_from(Booking))
    wanted = per_day * 365
    if have >= wanted * 0.9:
        say(f"booking: {have} rows already there, not seeded")
        return
    started = time.perf_counter()
    rng = random.Random(60)
    client_ids = list(db.session.scalars(select(Client.id).order_by(Client.id).limit(200_000)))
    advisors = list(db.session.scalars(select(User.id).where(User.roles.any(code="service_advisor")))) or [None]
    operator = db.session.scalar(select(User.id).where(User.username == "service"))
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    next_id = (db.session.scalar(select(func.max(Booking.id))) or 0) + 1
    next_attempt = (db.session.scalar(select(func.max(ConfirmationAttempt.id))) or 0) + 1
    bookings, attempts = [], []
    for day in range(-358, 7):
        base = (now + timedelta(days=day)).replace(hour=6)  # 09:00 Moscow
        for _ in range(per_day):
            start = base + timedelta(minutes=30 * rng.randrange(0, 18))
            past = start < now
            roll = rng.random()
            calls = 0 if roll < 0.07 else 1 if roll < 0.75 else rng.choice((2, 3))
            confirmed = calls > 0 and rng.random() < 0.8 and not (calls == 3 and rng.random() < 0.5)
            auto = calls == 3 and not confirmed
            state = "confirmed" if confirmed else "cancelled" if auto else ("unreached" if calls else "to_call")
            status = ("cancelled" if auto else
                      ("arrived" if rng.random() < (0.93 if confirmed else 0.6) else "no_show") if past else
                      ("confirmed" if confirmed else "planned"))
            bookings.append({"id": next_id, "client_id": rng.choice(client_ids), "advisor_id": rng.choice(advisors),
                             "phone": "", "start_at": start, "end_at": start + timedelta(hours=1),
                             "total": 6500, "status": status, "confirmation_state": state,
                             "failed_attempts": calls - (1 if confirmed else 0), "created_at": start - timedelta(days=2),
                             "arrived_at": start if status == "arrived" else None, "note": "", "version": 1})
            for n in range(calls):
                last = n == calls - 1
                outcome = "confirmed" if last and confirmed else "not_reached"
                attempts.append({"id": next_attempt, "booking_id": next_id, "at": start - timedelta(hours=20 - n),
                                 "operator_id": operator, "outcome": outcome, "reason": "busy" if outcome ==
                                 "not_reached" else "", "state_after": "confirmed" if outcome == "confirmed" else
                                 "retry", "note": ""})
                next_attempt += 1
            if auto:
                attempts.append({"id": next_attempt, "booking_id": next_id, "at": start - timedelta(hours=17),
                                 "operator_id": None, "outcome": "system_cancel", "reason": "",
                                 "state_after": "cancelled", "note": ""})
                next_attempt += 1
            next_id += 1
    for chunk in range(0, len(bookings), 20_000):
        db.session.execute(insert(Booking.__table__), bookings[chunk:chunk + 20_000])
    for chunk in range(0, len(attempts), 20_000):
        db.session.execute(insert(ConfirmationAttempt.__table__), attempts[chunk:chunk + 20_000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        from seed.bulk_traffic import fix_sequences

        fix_sequences(db.session, ("booking", "confirmation_attempt"))
    say(f"seeded {len(bookings)} bookings and {len(attempts)} confirmation calls in "
        f"{time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500_000)
    parser.add_argument("--traffic", type=int, default=3_000_000)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--bookings-per-day", type=int, default=60)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--output", default=None)
    args = parser.parse_args()

    from sqlalchemy import func, select

    from app.api.auth import issue_token
    from app.clock import SystemClock
    from app.models.user import User
    from desk.models import Booking
    from traffic.models import Traffic

    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    app, url = bench_app(args.database_url)
    engine_name = url.split(":", 1)[0].split("+")[0]
    with app.app_context():
        from app.extensions import db

        seed_traffic(db, args, say)
        seed_bookings(db, args.bookings_per_day, say)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE booking; ANALYZE confirmation_attempt")
        users = {u.username: u for u in db.session.scalars(select(User))}
        sizes = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                 for model in (Traffic, Booking)}
        token = issue_token(db.session, users["supervisor"], clock=SystemClock(), name="bench_kpis")
        engine = db.engine
        clients = {name: app.test_client(user=users[name]) for name in
                   ("supervisor", "reception", "service", "advisor", "callcenter", "sales", "admin")}
    today = datetime.now(UTC).date()
    quarter = f"period=custom&from={(today - timedelta(days=89)).isoformat()}&to={today.isoformat()}"
    thirty = f"period=custom&from={(today - timedelta(days=29)).isoformat()}&to={today.isoformat()}"
    auth = {"Authorization": f"Bearer {token}"}
    pages = [
        ("«Показатели»: today", "/admin/kpis/?period=today", "supervisor", {}),
        ("«Показатели»: week", "/admin/kpis/?period=week", "supervisor", {}),
        ("«Показатели»: month", "/admin/kpis/?period=month", "supervisor", {}),
        ("«Показатели»: last 30 days (a whole month)", f"/admin/kpis/?{thirty}", "supervisor", {}),
        ("«Показатели»: last 90 days", f"/admin/kpis/?{quarter}", "supervisor", {}),
        ("«Показатели»: month, service department", "/admin/kpis/?period=month&department=service", "supervisor",
         {}),
        ("«Показатели»: last 30 days, one employee", f"/admin/kpis/?{thirty}&employee_id={users['sales'].id}",
         "supervisor", {}),
        ("XLSX of «by goal», month", "/admin/kpis/export/traffic_goals.xlsx?period=month", "supervisor", {}),
        ("API GET /kpis, month", f"/api/v1/kpis?from={today.replace(day=1).isoformat()}&to={today.isoformat()}",
         "supervisor", auth),
        *[(f"home: {name}", "/admin/", name, {}) for name in
          ("supervisor", "reception", "service", "advisor", "callcenter", "sales", "admin")],
        ("home panels refresh: reception", "/admin/home/panels", "reception", {}),
    ]
    counter = StatementCounter(engine)
    gc.collect()
    gc.freeze()
    load_before = os.getloadavg()
    compared = [page for page in pages if "month" in page[0] and "XLSX" not in page[0]]
    with app.app_context():  # first the indexed aggregate queries alone: no day rolled up
        from app.extensions import db
        from kpis.models import RolledDay, TrafficDay, TrafficMinutes
        from kpis.service import roll_up

        for model in (RolledDay, TrafficDay, TrafficMinutes):
            db.session.query(model).delete()
        db.session.commit()
    aggregate = []
    for label, path, user, headers in compared:
        aggregate.extend(time_pages(clients[user], [(label + ", aggregate queries only", path, headers)],
                                    runs=max(5, args.runs // 4), counter=counter, warmup=1))
    with app.app_context():
        started = time.perf_counter()
        days = roll_up(db.session, clock=SystemClock())
        db.session.commit()
        rolled_in = time.perf_counter() - started
        if engine_name == "postgresql":  # the statistics autovacuum would gather soon after a night's roll-up
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE kpi_traffic_day, kpi_traffic_minutes")
        rollup_rows = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                       for model in (TrafficDay, TrafficMinutes)}
    say(f"roll-up of {days} days in {rolled_in:.1f} s: " + ", ".join(f"{k} {v:,} rows" for k, v in rollup_rows.items()))
    rows = []
    for label, path, user, headers in pages:
        rows.extend(time_pages(clients[user], [(label, path, headers)], runs=args.runs, counter=counter, warmup=3))
    rows.extend(aggregate)
    load_after = os.getloadavg()

    say()
    say(f"run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {engine_name}; {os.cpu_count()} CPUs, load average "
        f"{load_before[0]:.2f} → {load_after[0]:.2f}; rows: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    say()
    say("| page | p50 ms | p95 ms | p99 ms | SQL statements | target p95 |")
    say("|---|---|---|---|---|---|")
    for label, p50, p95, p99, count in rows:
        target = HOME_TARGET_MS if label.startswith("home") else MONTH_TARGET_MS if "month" in label else None
        mark = "" if target is None else f"≤ {target} {'ok' if p95 <= target else 'OVER'}"
        say(f"| {label} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {count} | {mark} |")

    log = StatementLog(engine)
    log.rows, log.active = [], True
    clients["supervisor"].get("/api/v1/kpis?from=" + today.replace(day=1).isoformat() + "&to=" + today.isoformat(),
                              headers=auth)
    log.active = False
    say()
    say("## The month's KPI statements and their plans (settled days from the roll-ups, today live)")
    with app.app_context():
        from app.extensions import db

        with db.engine.connect() as conn:
            for statement, parameters, took in log.rows:
                if "FROM user" in statement and "WHERE" not in statement:
                    continue
                say()
                say(f"-- {took:.1f} ms: {' '.join(statement.split())[:400]}")
                for line in explain(conn, statement, parameters):
                    say("    " + line)
    output = Path(args.output) if args.output else ROOT / "docs" / f"bench-kpis-{engine_name}.txt"
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {output}")


if __name__ == "__main__":
    main()
