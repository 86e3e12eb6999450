"""Bulk incoming traffic and leads for benchmarks: a year of a dealer group, inserted with Core in batches.

Deterministic for a given seed and clock. Rows get ids in time order (as in production, where ids grow with
`registered_at` / `created_at`), so the physical order of the tables matches a real journal. No ORM events
run (no audit rows, no notifications, no cadences): these are read-side fixtures, not business history.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from app.clock import Clock
from app.domain.normalise import phone_key
from app.models.user import User
from app.services.regulations import load_regulations
from app.services.users import active_staff_ids
from catalogs.models import ContactGoal, IgnoreReason, LeadStage, LossReason
from clients.models import Car, Client, ClientContact
from leads.models import CallTask, Lead
from seed.vehicles import mobile
from traffic.models import DOCUMENT_TYPES, Traffic

DAYS = 365
VISITOR_TEXTS = ("Мужчина 40 лет, смотрел кроссоверы", "Женщина, спрашивала про кредит", "Не представился",
                 "Пара с ребёнком, интересовались минивэнами", "Курьер с документами", "Спросил цену ТО",
                 "Звонок с незнакомого номера, сбросил", "Посетитель без записи, ждёт мастера")
NOTES = ("", "", "", "", "Перезвонить после обеда", "Просил WhatsApp", "Срочно")
IGNORE_COMMENTS = ("Ошибся номером", "Спам", "Повторный звонок", "Реклама")
INTERESTS = ("Kia Sportage", "Kia Rio", "Hyundai Creta", "Toyota RAV4", "Skoda Octavia", "Haval Jolion",
             "LADA Vesta", "Geely Monjaro", "Chery Tiggo 7 Pro", "Toyota Camry")
PURPOSES = ("", "Квалификация: бюджет и сроки", "Назначить встречу", "Напомнить о встрече", "Узнать итог встречи",
            "Предложить тест-драйв")


# ----- shared helpers


def _zone(session: Session) -> ZoneInfo:
    return ZoneInfo(load_regulations(session).timezone)


def _users_with_roles(session: Session, *codes: str) -> list[int]:
    return active_staff_ids(session, *codes)


def _ids(session: Session, model) -> list[int]:
    return list(session.scalars(select(model.id).order_by(model.id)))


def _next_id(session: Session, model) -> int:
    return (session.scalar(select(model.id).order_by(model.id.desc()).limit(1)) or 0) + 1


def _sorted_moments(rng: random.Random, count: int, *, now: datetime, zone: ZoneInfo, days: int,
                    today_share: float | None = None) -> list[datetime]:
    """`count` moments in working hours of the last `days` local days (today: only up to `now`), ascending.
    `today_share` forces that share of them onto today, so "today" lists are full whatever the hour."""
    today = now.astimezone(zone).date()
    midnight = datetime.combine(today, time(0), tzinfo=zone)
    so_far = max(60, int((now - midnight).total_seconds()))
    on_today = int(count * today_share) if today_share is not None else 0
    stamps: list[float] = []
    for _ in range(on_today):
        stamps.append(midnight.timestamp() + rng.random() * so_far)
    for _ in range(count - on_today):
        day = today - timedelta(days=rng.randint(1 if today_share is not None else 0, days - 1))
        seconds = rng.triangular(8 * 3600, 21 * 3600, 12 * 3600)
        moment = datetime.combine(day, time(0), tzinfo=zone).timestamp() + seconds
        if moment > now.timestamp():  # later today than it is now: somewhere earlier today
            moment = midnight.timestamp() + rng.random() * so_far
        stamps.append(moment)
    stamps.sort()
    utc = now.tzinfo
    return [datetime.fromtimestamp(s, tz=utc) for s in stamps]


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def fix_sequences(session: Session, tables: Iterable[str]) -> None:
    """After explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    session.commit()


# ----- traffic


def install_bulk_traffic(session: Session, *, count: int, clock: Clock, batch: int = 50_000, seed: int = 11) -> int:
    """`count` traffic records over the last ~365 days (about 1/365 of them today), newest last.

    Older rows are processed (~75 %) or ignored; today's are mostly processed too, with a few new/waiting
    (not taken yet) and in_processing ones. 80 % name an existing client, the rest a described visitor.
    Registered by reception-side users, taken by users of the department of the goal. Returns rows made."""
    if count <= 0:
        return 0
    rng = random.Random(seed)
    now = clock.now()
    zone = _zone(session)
    goals = list(session.scalars(select(ContactGoal).order_by(ContactGoal.id)))
    reasons = list(session.scalars(select(IgnoreReason).order_by(IgnoreReason.id)))
    if not goals or not reasons:
        raise RuntimeError("install the predefined catalogs first (flask seed predefined)")
    operators = _users_with_roles(session, "reception", "call_center", "service_admin") or _ids(session, User)
    by_department = {
        "showroom": _users_with_roles(session, "sales_manager"),
        "service": _users_with_roles(session, "service_advisor"),
        "parts": _users_with_roles(session, "service_advisor", "service_admin"),
        "other": _users_with_roles(session, "call_center", "service_admin"),
    }
    anyone = _users_with_roles(session, "sales_manager", "service_advisor", "service_admin", "call_center") \
        or operators
    phones = dict(session.execute(select(ClientContact.client_id, ClientContact.value).where(
        ClientContact.kind == "phone", ClientContact.is_main.is_(True))).all())
    phone_keys: dict[str, str] = dict(session.execute(select(ClientContact.value, ClientContact.value_key).where(
        ClientContact.kind == "phone", ClientContact.is_main.is_(True))).all())
    cars = dict(session.execute(select(Car.client_id, Car.id).order_by(Car.id.desc())).all())  # one car each
    client_ids = list(phones) or _ids(session, Client)
    goals_by_channel = {channel: [g for g in goals if g.channel == channel or g.code == "other"]
                        for channel in ("call", "visit")}
    for channel, rows in goals_by_channel.items():
        if not rows:
            goals_by_channel[channel] = goals
    stranger_phones = [mobile(rng) for _ in range(20_000)]

    def key_of(phone: str) -> str:
        if phone not in phone_keys:
            phone_keys[phone] = phone_key(phone)
        return phone_keys[phone]

    today_start = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)
    moments = _sorted_moments(rng, count, now=now, zone=zone, days=DAYS, today_share=1 / DAYS)
    first_today = bisect_left(moments, today_start)
    first_id = _next_id(session, Traffic)
    made = 0
    for part in _chunks(moments, batch):
        rows = []
        for registered_at in part:
            row_id = first_id + made + len(rows)
            today = made + len(rows) >= first_today
            channel = "call" if rng.random() < 0.7 else "visit"
            goal = rng.choice(goals_by_channel[channel])
            pbx = channel == "call" and rng.random() < 0.4
            status = "ignored" if rng.random() < 0.22 else "processed"
            if today and (now - registered_at) < timedelta(hours=4):
                roll = rng.random()
                status = ("new" if channel == "call" else "waiting") if roll < 0.12 else \
                    "in_processing" if roll < 0.2 else status
            if status == "new" and pbx and rng.random() < 0.3:
                goal = None  # a PBX call reception has not routed yet
            known = rng.random() < 0.8
            client_id = rng.choice(client_ids) if known else None
            phone = ""
            if channel == "call":
                phone = phones.get(client_id, "") if client_id else rng.choice(stranger_phones)
            elif rng.random() < 0.3:
                phone = phones.get(client_id, "") if client_id else rng.choice(stranger_phones)
            department = goal.department if goal is not None else "other"
            takers = by_department.get(department) or anyone
            responsible = rng.choice(takers) if rng.random() < 0.15 else None
            taken_by = taken_at = processed_at = None
            document_type = document_id = ignore_reason_id = None
            ignore_comment = ""
            if status in ("processed", "ignored", "in_processing"):
                taken_by = responsible or rng.choice(takers)
                taken_at = registered_at + timedelta(seconds=int(min(1800, rng.expovariate(1 / 180)) + 5))
                if taken_at > now:
                    taken_at = now
            if status in ("processed", "ignored"):
                processed_at = min(now, taken_at + timedelta(seconds=int(min(7200, rng.expovariate(1 / 720)) + 30)))
            if status == "processed":
                document_type = (goal.document_kind if goal is not None and goal.document_kind
                                 else rng.choice(DOCUMENT_TYPES))
                document_id = rng.randint(1, 500_000)
            elif status == "ignored":
                reason = rng.choice(reasons)
                ignore_reason_id = reason.id
                ignore_comment = rng.choice(IGNORE_COMMENTS) if reason.requires_comment else ""
            rows.append({
                "id": row_id, "channel": channel, "goal_id": goal.id if goal is not None else None,
                "client_id": client_id,
                "description": "" if client_id else rng.choice(VISITOR_TEXTS),
                "phone": phone, "phone_key": key_of(phone) if phone else "",
                "car_id": cars.get(client_id) if client_id and department == "service" and rng.random() < 0.6
                else None,
                "responsible_id": responsible, "note": rng.choice(NOTES), "status": status,
                "registered_at": registered_at, "registered_by_id": None if pbx else rng.choice(operators),
                "taken_at": taken_at, "taken_by_id": taken_by, "processed_at": processed_at,
                "document_type": document_type, "document_id": document_id, "ignore_reason_id": ignore_reason_id,
                "ignore_comment": ignore_comment, "call_id": f"bench-{row_id}" if pbx else None,
                "line": f"+7 495 100-00-{rng.randint(1, 20):02d}" if pbx else "",
                "recording_url": f"https://pbx.example.ru/rec/{row_id}.mp3" if pbx and status != "new" else "",
                "version": 1,
            })
        session.execute(insert(Traffic), rows)
        session.commit()
        made += len(rows)
    fix_sequences(session, ["traffic"])
    return made


# ----- leads and call tasks


def install_bulk_leads(session: Session, *, count: int, clock: Clock, batch: int = 20_000, seed: int = 13,
                       tasks_per_lead: int = 3, open_today_for: int | None = None, open_today: int = 300) -> int:
    """`count` leads over the last ~365 days and about `tasks_per_lead` call tasks each.

    Stages come from the lead_stage catalog (old leads mostly closed won/lost, recent ones mostly open);
    responsible: the call-centre users; ~20 % have a meeting over the next 30 days, spread over the sales
    managers. Past call tasks are done (a few cancelled); open leads keep one open task in the coming days;
    `open_today` open tasks fall due today (some overdue) for `open_today_for` (default: the first
    call-centre user), plus a tenth as many for each other call-centre user and some unassigned.
    Returns leads made."""
    if count <= 0:
        return 0
    rng = random.Random(seed)
    now = clock.now()
    zone = _zone(session)
    stages = {s.code: s for s in session.scalars(select(LeadStage))}
    open_stages = [s for s in stages.values() if s.outcome == "open" and s.code != "meeting_set"]
    won = [s for s in stages.values() if s.outcome == "won"]
    lost = [s for s in stages.values() if s.outcome == "lost"]
    meeting_stage = stages.get("meeting_set") or rng.choice(open_stages)
    losses = _ids(session, LossReason) or [None]
    operators = _users_with_roles(session, "call_center")
    sales = _users_with_roles(session, "sales_manager")
    if not stages or not operators or not sales:
        raise RuntimeError("install the predefined catalogs and the demo users first")
    me = open_today_for if open_today_for is not None else operators[0]
    client_ids = _ids(session, Client)
    if not client_ids:
        raise RuntimeError("no clients: install clients first")
    today = now.astimezone(zone).date()
    end_of_today = datetime.combine(today + timedelta(days=1), time(0), tzinfo=zone)
    recent = now - timedelta(days=60)

    created = _sorted_moments(rng, count, now=now, zone=zone, days=DAYS)
    first_lead = _next_id(session, Lead)
    first_task = _next_id(session, CallTask)
    open_leads: list[tuple[int, int]] = []  # (lead id, responsible): candidates for today's open tasks
    leads_made = tasks_made = 0
    for part in _chunks(created, batch):
        leads, tasks = [], []
        for created_at in part:
            lead_id = first_lead + leads_made + len(leads)
            responsible = rng.choice(operators)
            age = now - created_at
            meeting_at = meeting_employee = closed_at = loss_reason = next_call_at = None
            if rng.random() < (0.6 if created_at >= recent else 0.12):
                stage = meeting_stage
                day = today + timedelta(days=rng.randint(0, 29))
                meeting_at = datetime.combine(day, time(rng.randint(9, 18), rng.choice((0, 30))), tzinfo=zone)
                meeting_employee = rng.choice(sales)
            else:
                closed_share = 0.95 if age > timedelta(days=90) else 0.6 if age > timedelta(days=30) else 0.2
                if rng.random() < closed_share:
                    stage = rng.choice(won) if won and rng.random() < 0.25 else rng.choice(lost or won)
                    closed_at = min(now, created_at + timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 8)))
                    loss_reason = rng.choice(losses) if stage.outcome == "lost" else None
                else:
                    stage = rng.choice(open_stages)
            steps = max(1, tasks_per_lead + rng.choice((-1, 0, 0, 1)))
            last_contact = None
            for step in range(steps):
                due = created_at + timedelta(days=step * rng.randint(1, 4), minutes=rng.randint(5, 240))
                task = {"id": first_task + tasks_made + len(tasks), "lead_id": lead_id, "assignee_id": responsible,
                        "cadence_run_id": None, "step_index": step, "purpose": rng.choice(PURPOSES),
                        "due_at": due, "created_at": created_at, "callback_at": None, "note": "", "version": 1,
                        "status": "done", "outcome": None, "done_at": None, "done_by_id": None}
                finished = closed_at if closed_at is not None else now - timedelta(days=1)
                if due >= finished:
                    if closed_at is not None:
                        task["status"] = "cancelled"
                    elif step == steps - 1 or due >= end_of_today:
                        # the open lead's next call, in the coming days (never today: today's are added below)
                        task["status"] = "open"
                        task["due_at"] = max(due, end_of_today + timedelta(hours=rng.randint(1, 24 * 14)))
                        next_call_at = task["due_at"]
                    else:
                        due = finished - timedelta(hours=rng.randint(1, 48))
                        task["due_at"] = due
                if task["status"] == "done":
                    task["outcome"] = rng.choice(("reached", "reached", "not_reached", "call_later"))
                    task["done_at"] = min(now, task["due_at"] + timedelta(minutes=rng.randint(0, 90)))
                    task["done_by_id"] = responsible
                    last_contact = task["done_at"]
                tasks.append(task)
                if task["status"] == "open":
                    break
            if closed_at is None:
                open_leads.append((lead_id, responsible))
            leads.append({"id": lead_id, "client_id": rng.choice(client_ids), "interest": rng.choice(INTERESTS),
                          "stage_id": stage.id, "responsible_id": responsible, "next_call_at": next_call_at,
                          "meeting_at": meeting_at, "meeting_employee_id": meeting_employee,
                          "loss_reason_id": loss_reason, "closed_at": closed_at, "last_contact_at": last_contact,
                          "created_at": created_at, "created_by_id": responsible, "version": 1})
        session.execute(insert(Lead), leads)
        session.execute(insert(CallTask), tasks)
        session.commit()
        leads_made += len(leads)
        tasks_made += len(tasks)

    # Today's calls: `open_today` for the benchmark user, fewer for every other operator, some unassigned.
    midnight = datetime.combine(today, time(0), tzinfo=zone)
    mine = [lead for lead in open_leads if lead[1] == me] or open_leads
    wanted = [(me, open_today)] + [(user, max(1, open_today // 10)) for user in operators if user != me] \
        + [(None, max(1, open_today // 10))]
    extra = []
    for assignee, how_many in wanted:
        pool = mine if assignee == me else [lead for lead in open_leads if lead[1] == assignee] or open_leads
        for _ in range(how_many):
            lead_id, _owner = rng.choice(pool)
            overdue = rng.random() < 0.2
            due = (midnight - timedelta(days=rng.randint(1, 3), hours=-rng.randint(9, 18)) if overdue
                   else midnight + timedelta(hours=rng.randint(9, 20), minutes=rng.choice((0, 15, 30, 45))))
            extra.append({"id": first_task + tasks_made + len(extra), "lead_id": lead_id, "assignee_id": assignee,
                          "cadence_run_id": None, "step_index": None, "purpose": rng.choice(PURPOSES), "due_at": due,
                          "status": "open", "outcome": None, "callback_at": None, "note": "", "done_at": None,
                          "done_by_id": None, "created_at": min(now, due - timedelta(days=1)), "version": 1})
    if extra:
        session.execute(insert(CallTask), extra)
        session.commit()
    fix_sequences(session, ["lead", "call_task"])
    return leads_made
