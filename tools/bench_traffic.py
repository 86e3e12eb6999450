"""Benchmark of the incoming-traffic journal, the reception panel, the traffic API and the call-centre pages
on a dealer-group volume, with SQL statement counts, unbounded-count / N+1 checks and the query plans.

Usage: FLASK_DEBUG=1 .venv/bin/python tools/bench_traffic.py [--traffic 1000000] [--clients 100000]
                                                             [--leads 100000] [--staff 50] [--runs 100]
                                                             [--database-url URL] [--output FILE]
Seeds once (what is already there is kept): clients (`install_bulk_clients`), extra staff so that the
per-employee filters are as selective as in a group, a year of traffic and of leads with their call
tasks (`seed.bulk_traffic`), dated relative to the day of seeding (re-seed on another day: drop the
database). Then times each page through the Flask test client (server time, warm),
logged in with the role that uses it, counts SQL statements per request, lists repeated statements
(N+1) and COUNT queries, and prints the plan of each page's main list query: EXPLAIN QUERY PLAN on
SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, run with the very statement and parameters the page sent.
Before timing, the objects alive after start-up and seeding are frozen (gc.freeze()), as in a pre-forking
server; without it, Python's full collections over this script's heap add ~150-250 ms to random requests.
The report goes to stdout and to docs/bench-traffic-<engine>.txt (or --output).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import StatementCounter, bench_app, time_pages  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LIST_TARGET_MS = 150  # QUALITY.md C7: list/journal pages, p95
STATEMENT_TARGET = 8  # QUALITY.md C7: SQL statements per list request
N_PLUS_ONE = 3  # the same statement (other values) this often in one request: one query per listed row
# Extra employees of a dealer group (login prefix bench_), on top of the demo users.
STAFF_SHARES = (("sales_manager", 0.48), ("service_advisor", 0.24), ("call_center", 0.16), ("reception", 0.12))


@dataclass
class Page:
    label: str
    path: str
    user: str  # login of the user the page is opened as
    main: str  # a regular expression picking the main list query among the request's statements
    also: tuple[str, ...] = ()  # further list queries of the page whose plans are shown too
    rows: str = r'<td class="col-number'  # a regular expression counting the listed rows in the HTML
    api: bool = False
    headers: dict = field(default_factory=dict)


class StatementLog:
    """Every statement of the requests made while `active`: SQL text, parameters, time in ms."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.active = False
        self.rows: list[tuple[str, object, float]] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.active:
            conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.active:
            started = conn.info.pop("bench_started", time.perf_counter())
            self.rows.append((statement, parameters, (time.perf_counter() - started) * 1000))


def ensure_staff(session, total: int) -> int:
    """`total` extra employees (bench_<role>NN) across sales, service, call-centre and reception."""
    from sqlalchemy import func, select

    from app.clock import SystemClock
    from app.models.user import User
    from app.services.users import create_user
    from seed.demo import DEMO_PASSWORD

    have = session.scalar(select(func.count()).select_from(User).where(User.username.like("bench\\_%", escape="\\")))
    if have >= total:
        return 0
    made = 0
    for role, share in STAFF_SHARES:
        for n in range(1, max(1, round(total * share)) + 1):
            username = f"bench_{role}{n:02d}"
            if session.scalar(select(User.id).where(User.username == username)) is None:
                create_user(session, username=username, password=DEMO_PASSWORD, roles=[role],
                            full_name=f"Bench {role.replace('_', ' ')} {n:02d}", clock=SystemClock())
                made += 1
    session.commit()
    return made


def seed(db, args, say) -> None:
    from sqlalchemy import func, select

    from app.clock import SystemClock
    from app.models.user import User
    from clients.models import Client
    from leads.models import Lead
    from seed.bulk_traffic import install_bulk_leads, install_bulk_traffic
    from seed.clients import install_bulk_clients
    from traffic.models import Traffic

    clock = SystemClock()
    made = ensure_staff(db.session, args.staff)
    if made:
        say(f"created {made} extra employees")
    steps = (
        (Client, args.clients, lambda n: install_bulk_clients(db.session, count=n, clock=clock)),
        (Traffic, args.traffic, lambda n: install_bulk_traffic(db.session, count=n, clock=clock)),
        (Lead, args.leads, lambda n: install_bulk_leads(
            db.session, count=n, clock=clock,
            open_today_for=db.session.scalar(select(User.id).where(User.username == "callcenter")))),
    )
    seeded = False
    for model, wanted, install in steps:
        have = db.session.scalar(select(func.count()).select_from(model))
        if have >= wanted:
            say(f"{model.__tablename__}: {have} rows already there, not seeded")
            continue
        started = time.perf_counter()
        install(wanted - have)
        seeded = True
        say(f"seeded {wanted - have} {model.__tablename__} rows in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE" if seeded else "ANALYZE")
    else:
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    say(f"{'VACUUM ANALYZE' if seeded and db.engine.dialect.name == 'postgresql' else 'ANALYZE'} "
        f"in {time.perf_counter() - started:.0f} s")


def filter_arg(view, column: str, kind: str) -> str:
    """The `fltN_M` index of the journal's filter on `column` of class `kind` (found, not hard-coded)."""
    for index, flt in enumerate(view._filters):
        if type(flt).__name__ == kind and getattr(flt.column, "key", None) == column:
            return str(index)
    raise LookupError(f"no {kind} filter on {column}")


def journal_query(filters: list[tuple[str, str]], **extra) -> str:
    args = {f"flt{position}_{index}": value for position, (index, value) in enumerate(filters)}
    return "/admin/trafficjournal/?" + urlencode({**args, **extra}) if args or extra else "/admin/trafficjournal/"


def explain(conn, statement: str, parameters) -> list[str]:
    if conn.dialect.name == "sqlite":
        return [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
    return [row[0] for row in conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)]


def shape(statement: str) -> str:
    """A statement without its literal values, to see the same query repeated."""
    return re.sub(r"\s+", " ", re.sub(r"'[^']*'|\b\d+\b", "?", statement)).strip()


def brief(statement: str) -> str:
    """A statement on one line with its column list folded: `SELECT … FROM …`."""
    flat = " ".join(statement.split())
    return re.sub(r"^SELECT (?:(?! FROM ).)*? FROM ", "SELECT … FROM ", flat, count=1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--traffic", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--staff", type=int, default=50, help="extra employees besides the demo users")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--output", default=None, help="default: docs/bench-traffic-<engine>.txt")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from app.api.auth import issue_token
    from app.clock import SystemClock
    from app.i18n import dealership_timezone
    from app.models.user import User
    from catalogs.models import ContactGoal
    from leads.models import CallTask, Lead
    from traffic.models import Traffic

    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    begun = time.perf_counter()
    app, url = bench_app(args.database_url)
    engine_name = url.split(":", 1)[0].split("+")[0]
    with app.app_context():
        from app.extensions import db

        seed(db, args, say)
        users = {u.username: u for u in db.session.scalars(select(User))}
        sizes = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                 for model in (User, Traffic, Lead, CallTask)}
        zone = dealership_timezone()
        today = SystemClock().now().astimezone(zone).date()
        today_rows = db.session.scalar(select(func.count()).select_from(Traffic).where(
            Traffic.registered_at >= datetime.combine(today, dtime(0), tzinfo=zone)))
        parts = db.session.scalar(select(ContactGoal.id).where(ContactGoal.code == "call_parts"))
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "trafficjournal")
        day = filter_arg(view, "registered_at", "LocalDayFilter")
        since = filter_arg(view, "registered_at", "LocalSinceFilter")
        until = filter_arg(view, "registered_at", "LocalUntilFilter")
        status = filter_arg(view, "status", "FilterEqual")
        goal = filter_arg(view, "goal_id", "IdChoiceFilter")
        employee = filter_arg(view, "taken_by_id", "IdChoiceFilter")
        operator = filter_arg(view, "registered_by_id", "IdChoiceFilter")
        token = issue_token(db.session, users["supervisor"], clock=SystemClock(), name="bench_traffic")
        engine = db.engine
        sales_id, reception_id = users["sales"].id, users["reception"].id
        employee_rows = db.session.scalar(select(func.count()).select_from(Traffic).where(
            Traffic.taken_by_id == sales_id))
        clients = {name: app.test_client(user=users[name]) for name in ("supervisor", "reception", "sales",
                                                                        "callcenter")}

    auth = {"Authorization": f"Bearer {token}"}
    iso = today.isoformat()
    journal_main = r"FROM traffic .*LIMIT"
    pages = [
        Page("journal: no filter, newest first", journal_query([]), "supervisor", journal_main),
        Page("journal: today", journal_query([(day, iso)]), "supervisor", journal_main),
        Page("journal: by employee (all time)", journal_query([(employee, str(sales_id))]), "supervisor",
             journal_main),
        Page("journal: today + employee", journal_query([(day, iso), (employee, str(sales_id))]), "supervisor",
             journal_main),
        Page("journal: by reception operator (all time)", journal_query([(operator, str(reception_id))]),
             "supervisor", journal_main),
        Page("journal: status «ignored»", journal_query([(status, "ignored")]), "supervisor", journal_main),
        Page("journal: status «in processing»", journal_query([(status, "in_processing")]), "supervisor",
             journal_main),
        Page("journal: goal «parts call»", journal_query([(goal, str(parts))]), "supervisor", journal_main),
        Page("journal: last 30 days", journal_query([(since, (today - timedelta(days=29)).isoformat()),
                                                      (until, iso)]), "supervisor", journal_main),
        Page("journal: page 2 (next-page link)", journal_query([], page="1"), "supervisor", journal_main),
        Page("journal: page 200 (offset 9,950)", journal_query([], page="199"), "supervisor", journal_main),
        Page("reception panel /admin/traffic/", "/admin/traffic/", "reception", r"FROM traffic .*status IN",
             also=(r"FROM traffic .*taken_by_id",), rows=r'class="traffic-row'),
        Page("reception panel as sales manager", "/admin/traffic/", "sales", r"FROM traffic .*status IN",
             also=(r"FROM traffic .*taken_by_id",), rows=r'class="traffic-row'),
        Page("API GET /traffic?limit=50", "/api/v1/traffic?limit=50", "supervisor", r"FROM traffic .*LIMIT",
             api=True, headers=auth),
        Page("API GET /traffic, 2nd page (cursor)", "", "supervisor", r"FROM traffic .*LIMIT", api=True,
             headers=auth),
        Page("API GET /traffic?employee_id=…", f"/api/v1/traffic?limit=50&employee_id={sales_id}", "supervisor",
             r"FROM traffic .*LIMIT", api=True, headers=auth),
        Page("call centre «Calls for today» /admin/leads/", "/admin/leads/", "callcenter",
             r"FROM call_task .*LIMIT", also=(r"FROM lead .*closed_at IS NULL",), rows=r'class="call-task'),
        Page("call centre, everyone's (?all=1)", "/admin/leads/?all=1", "callcenter", r"FROM call_task .*LIMIT",
             also=(r"FROM lead .*closed_at IS NULL",), rows=r'class="call-task'),
        Page("meetings calendar, week", f"/admin/leads/calendar?view=week&day={iso}", "callcenter",
             r"FROM lead .*meeting_at", rows=r'class="d-block meeting'),
        Page("meetings calendar, week, one employee",
             f"/admin/leads/calendar?view=week&day={iso}&employee_id={sales_id}", "callcenter",
             r"FROM lead .*meeting_at", rows=r'class="d-block meeting'),
    ]

    counter = StatementCounter(engine)
    log = StatementLog(engine)
    first = clients["supervisor"].get("/api/v1/traffic?limit=50", headers=auth).get_json()
    cursor = first["next"]
    pages[[p.label for p in pages].index("API GET /traffic, 2nd page (cursor)")].path = \
        f"/api/v1/traffic?limit=50&cursor={cursor}"
    page_one = clients["supervisor"].get(journal_query([])).get_data(as_text=True)
    has_next_link = "page=1" in page_one

    # What is alive now (the app, Faker's locale data, the seeding's imports) stays alive: moved out of the
    # collector's reach, as a pre-forking server does with gc.freeze(). Otherwise each full collection walks
    # it and adds 150-250 ms to a random request (measured), which is this script's heap, not the page's.
    gc.collect()
    gc.freeze()
    load_before = os.getloadavg()

    # Timing: one pass per page, grouped by the user opening it (the test client keeps its login).
    timings = {}
    for page in pages:
        (timings[page.label],) = time_pages(clients[page.user], [(page.label, page.path, page.headers)],
                                            runs=args.runs, counter=counter, warmup=5)

    # One more request per page with every statement recorded: repeats, counts, the main query's plan.
    details = {}
    for page in pages:
        log.rows, log.active = [], True
        response = clients[page.user].get(page.path, headers=page.headers)
        log.active = False
        assert response.status_code == 200, (page.path, response.status_code)
        statements = list(log.rows)
        repeated = [(sql, n) for sql, n in Counter(shape(s) for s, _p, _t in statements).items() if n > 1]
        counts = [s for s, _p, _t in statements if re.search(r"\bcount\s*\(", s, re.IGNORECASE)]
        table = re.search(r"FROM (\w+)", page.main).group(1)
        list_counts = [s for s in counts if re.search(rf"\bFROM {table}\b", s)]
        main_row = next((row for row in statements if re.search(page.main, " ".join(row[0].split()))), None)
        others = [next((row for row in statements if re.search(pattern, " ".join(row[0].split()))), None)
                  for pattern in page.also]
        body = response.get_json() if page.api else response.get_data(as_text=True)
        shown = len(body["items"]) if page.api else len(re.findall(page.rows, body))
        details[page.label] = (statements, repeated, counts, main_row, shown, list_counts, others)

    with app.app_context():
        from app.extensions import db

        plans = {}
        with db.engine.connect() as conn:
            for page in pages:
                main_row, others = details[page.label][3], details[page.label][6]
                plans[page.label] = [(row[0], row[2], explain(conn, row[0], row[1]))
                                     for row in (main_row, *others) if row is not None]

    load_after = os.getloadavg()
    say()
    say(f"run {datetime.now(zone):%Y-%m-%d %H:%M %Z} (dealership zone {zone}); {os.cpu_count()} CPUs, load average "
        f"{load_before[0]:.2f} before timing, {load_after[0]:.2f} after (other processes share the machine)")
    say(f"{engine_name}: " + ", ".join(f"{n} {t} rows" for t, n in sizes.items())
        + f"; traffic today: {today_rows}; taken by the benchmark employee: {employee_rows}")
    if today_rows < 50:
        say("WARNING: hardly any traffic today — the data was seeded on another day; drop the database to re-seed")
    say(f"journal page 1 shows a next-page link: {'yes' if has_next_link else 'NO'}; "
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    say()
    say(f"| request ({engine_name}, {args.runs} runs, warm) | as | p50 ms | p95 ms | p99 ms | SQL statements "
        f"| main query ms | rows listed | same statement ×max | COUNT all / on list |")
    say("|---|---|---|---|---|---|---|---|---|---|")
    problems = []
    for page in pages:
        label, p50, p95, p99, most = timings[page.label]
        statements, repeated, counts, main_row, shown, list_counts, _others = details[page.label]
        repeats = max((n for _sql, n in repeated), default=1)
        say(f"| {label} | {page.user} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {most} | "
            f"{main_row[2]:.1f} | {shown} | {repeats} | {len(counts)} / {len(list_counts)} |" if main_row else
            f"| {label} | {page.user} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {most} | — | {shown} | {repeats} "
            f"| {len(counts)} / {len(list_counts)} |")
        if p95 > LIST_TARGET_MS:
            problems.append(f"{label}: p95 {p95:.0f} ms > {LIST_TARGET_MS} ms")
        if most > STATEMENT_TARGET:
            problems.append(f"{label}: {most} SQL statements > {STATEMENT_TARGET}")
        if repeats >= N_PLUS_ONE:
            problems.append(f"{label}: one statement run {repeats} times in a request (N+1)")
        if list_counts:
            problems.append(f"{label}: COUNT on the list's table")
    say()
    say("Over a C7 target or suspicious: " + ("none" if not problems else ""))
    for problem in problems:
        say(f"  - {problem}")

    say()
    say("Repeated statements in one request (same SQL, other values), with how many times:")
    for page in pages:
        for sql, n in details[page.label][1]:
            say(f"  [{page.label}] ×{n}: {brief(sql)[:240]}")
    say()
    say(f"Statements of one request, for the pages over {STATEMENT_TARGET} (each distinct one once, ×times):")
    listed: dict[tuple, str] = {}
    for page in pages:
        statements = details[page.label][0]
        if len(statements) <= STATEMENT_TARGET:
            continue
        kinds = Counter(re.sub(r"IN \([^)]*\)", "IN (…)", brief(shape(s)))[:150] for s, _p, _t in statements)
        key = tuple(sorted(kinds.items()))
        if key in listed:
            say(f"  [{page.label}] {len(statements)} statements, the same kinds as [{listed[key]}]")
            continue
        listed[key] = page.label
        say(f"  [{page.label}] {len(statements)} statements:")
        for sql, n in kinds.items():
            say(f"      ×{n} {sql}")
    say()
    say("COUNT statements in one request (is any of them on a list table?):")
    for sql in sorted({shape(c) for page in pages for c in details[page.label][2]}):
        say(f"  {brief(sql)}  — in: " + ", ".join(p.label for p in pages
                                              if any(shape(c) == sql for c in details[p.label][2])))
    say()
    say("Slowest statements of one request per page (ms):")
    for page in pages:
        statements = sorted(details[page.label][0], key=lambda row: -row[2])[:3]
        say(f"  [{page.label}] " + "; ".join(f"{ms:.1f} {brief(sql)[:90]}…" for sql, _p, ms in statements))
    for page in pages:
        if not plans[page.label]:
            say(f"\nEXPLAIN — {page.label}: main query not found")
            continue
        say(f"\nEXPLAIN — {page.label}:")
        for statement, ms, plan in plans[page.label]:
            say(f"    -- ({ms:.1f} ms in the request) " + brief(statement)[:900])
            for line in plan:
                say("    " + line)
    say(f"\ntotal run time {time.perf_counter() - begun:.0f} s")

    output = Path(args.output) if args.output else ROOT / "docs" / f"bench-traffic-{engine_name}.txt"
    output.write_text("\n".join(lines).lstrip("\n") + "\n", encoding="utf-8")
    print(f"report written to {output}")


if __name__ == "__main__":
    main()
