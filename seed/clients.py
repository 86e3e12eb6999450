"""Demo clients with cars and documents (a few hundred, through the services), and a bulk set for benchmarks."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from faker import Faker
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.domain.calendar import WorkingCalendar
from app.domain.errors import DomainError
from app.domain.normalise import card_key, contact_key, name_key, vehicle_key
from app.models.user import User
from app.services.regulations import working_calendar
from catalogs.models import Work
from clients.models import Car, Client, ClientContact
from clients.service import CarDraft, ClientDraft, create_client, register_event
from desk.rules import WorkLine
from desk.service import BookingDraft, create_booking
from documents.models import PartsReservation, RepairVisit, WorkOrder, WorkSheet
from seed.vehicles import car, mobile

PARTS = (("90915-YZZD4", "Фильтр масляный"), ("04465-02220", "Колодки тормозные передние"),
         ("17801-0T030", "Фильтр воздушный"), ("08880-83324", "Масло моторное 5W-30, 4 л"))
EVENT_TEXTS = ("Просил перезвонить по стоимости ТО", "Уточнял готовность автомобиля", "Спрашивал о шинах на зиму",
               "Интересовался trade-in", "Жалоба на стук в подвеске")


def person_name(fake: Faker, rng: random.Random) -> str:
    """«Фамилия Имя Отчество» of one gender (Faker's plain name() mixes them)."""
    if rng.random() < 0.55:
        return f"{fake.last_name_male()} {fake.first_name_male()} {fake.middle_name_male()}"
    return f"{fake.last_name_female()} {fake.first_name_female()} {fake.middle_name_female()}"


def _draft(fake: Faker, rng: random.Random, this_year: int, *, phone: str | None = None) -> ClientDraft:
    company = rng.random() < 0.12
    return ClientDraft(
        name=fake.company() if company else person_name(fake, rng),
        kind="company" if company else "person",
        inn=(fake.businesses_inn() if company else fake.individuals_inn()) if rng.random() < 0.4 else "",
        discount_card=f"DK-{rng.randint(1000, 99999)}" if rng.random() < 0.25 else "",
        phones=[phone or mobile(rng)] + ([mobile(rng)] if rng.random() < 0.15 else []),
        emails=[fake.free_email()] if rng.random() < 0.5 else [],
        cars=[CarDraft(**car(rng, this_year)) for _ in range(rng.choice((0, 1, 1, 1, 1, 2)))],
    )


def install_demo_clients(session: Session, *, clock: Clock, count: int = 300, seed: int = 2026) -> int:
    """Idempotent: does nothing when clients exist. Returns how many were created."""
    if session.scalar(select(Client.id).limit(1)) is not None:
        return 0
    rng = random.Random(seed)
    fake = Faker("ru_RU")
    fake.seed_instance(seed)
    now = clock.now()
    staff = {u.username: u.id for u in session.scalars(select(User))}
    managers = [staff[name] for name in ("advisor", "advisor2", "sales", "sales2") if name in staff] or [None]
    # The seed document's client first, so the examples of SPEC §3.1 work on a fresh install.
    first = ClientDraft(name="Зубков Алексей", inn="7707083893", phones=["+7 (908) 4944434"],
                        emails=["zubkov@mail.ru"],
                        cars=[CarDraft(make_model="TOYOTA COROLLA седан", vin="NMTBM28E80R058037", plate="n123ap",
                                       year=2008)])
    drafts = [first] + [_draft(fake, rng, now.year) for _ in range(count - 1)]
    calendar = working_calendar(session, around=now.date())
    works = list(session.scalars(select(Work).where(Work.show_in_list.is_(True)).order_by(Work.sort_order)))
    for draft in drafts:
        draft.manager_id = rng.choice(managers)
        client = create_client(session, draft, actor_id=None, clock=clock)
        _documents(session, rng, client, now, staff, calendar=calendar, works=works, clock=clock)
    for client_id in rng.sample(range(1, count + 1), k=min(12, count)):
        register_event(session, client_id, kind=rng.choice(("call_in", "visit", "message")),
                       summary=rng.choice(EVENT_TEXTS), actor_id=staff.get("reception"),
                       responsible_id=rng.choice(managers), clock=clock)
    return len(drafts)


def working_past(calendar: WorkingCalendar, rng: random.Random, now: datetime, *, days: int) -> datetime:
    """A moment in working hours on a working day within the last `days` days (never in the future)."""
    for _ in range(20):
        day = calendar.local(now).date() - timedelta(days=rng.randint(0, days))
        if not calendar.is_working_day(day):
            continue
        start, end = calendar.at(day, calendar.day_start), calendar.at(day, calendar.day_end) - timedelta(hours=1)
        moment = start + timedelta(minutes=rng.randrange(0, max(int((end - start).total_seconds() // 60), 1), 5))
        if moment <= now:
            return moment
    day = calendar.local(now).date() - timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return calendar.at(day, calendar.day_start)


def demo_booking(session: Session, rng: random.Random, client: Client, car_: Car, advisor_id: int | None, *,
                 calendar: WorkingCalendar, works: list[Work], clock: Clock):
    """A booking through the desk's own use case (works, the client's phone, the advisor's schedule checked):
    the first free slot among a few tried in the coming working days; None when none fits."""
    now = clock.now()
    lines = [WorkLine(name=w.name, hours=w.standard_hours, price=w.price, work_id=w.id)
             for w in rng.sample(works, k=min(len(works), rng.choice((1, 1, 2))))]
    day = calendar.local(now).date()
    for _ in range(rng.choice((0, 1, 1, 2))):
        day = calendar.next_working_day(day)
    for _ in range(12):
        if calendar.is_working_day(day):
            start = calendar.at(day, time(rng.randint(calendar.day_start.hour, 16), rng.choice((0, 30))))
            try:
                return create_booking(session, BookingDraft(client_id=client.id, start_at=start, car_id=car_.id,
                                                            advisor_id=advisor_id, works=lines), actor_id=None,
                                      clock=clock)
            except DomainError:
                session.rollback()  # taken, past or outside the day: try another slot
        if rng.random() < 0.4:
            day = calendar.next_working_day(day)
    return None


def _documents(session: Session, rng: random.Random, client: Client, now: datetime, staff: dict, *,
               calendar: WorkingCalendar, works: list[Work], clock: Clock) -> None:
    car_ = client.cars[0] if client.cars else None
    advisor = rng.choice([staff.get("advisor"), staff.get("advisor2")])
    roll = rng.random()
    if car_ is not None and roll < 0.35:
        state = rng.choice(("open", "in_progress", "in_progress", "done", "closed", "closed", "closed"))
        total = Decimal(rng.randrange(1500, 60000, 100))
        paid = total if state == "closed" else Decimal(rng.choice((0, 0, int(total) // 2)))
        opened = working_past(calendar, rng, now, days=40)  # work orders are opened in working hours
        order = WorkOrder(client=client, car=car_, manager_id=advisor, state=state, opened_at=opened,
                          created_at=opened, total=total, paid=paid)
        session.add(order)
        session.add(RepairVisit(client=client, car=car_, advisor_id=advisor, arrived_at=opened, created_at=opened,
                                mileage=rng.randrange(5000, 250000, 500), work_order=order))
    if car_ is not None and works and rng.random() < 0.12:
        session.commit()
        demo_booking(session, rng, client, car_, advisor, calendar=calendar, works=works, clock=clock)
    if rng.random() < 0.06:
        number, name = rng.choice(PARTS)
        session.add(PartsReservation(client=client, car=car_, part_number=number, part_name=name,
                                     quantity=rng.randint(1, 4), status="reserved", created_at=now,
                                     reserved_until=now + timedelta(days=7)))
    if rng.random() < 0.08:
        session.add(WorkSheet(client=client, manager_id=rng.choice([staff.get("sales"), staff.get("sales2")]),
                              interest=rng.choice(("Kia Sportage", "Haval Jolion", "LADA Vesta", "Toyota RAV4")),
                              created_at=now))
    session.commit()


def install_bulk_clients(session: Session, *, count: int, clock: Clock, batch: int = 50_000, seed: int = 7) -> int:
    """Many clients fast (benchmarks): Core executemany in batches, keys computed here (no ORM events)."""
    rng = random.Random(seed)
    fake = Faker("ru_RU")
    fake.seed_instance(seed)
    now = clock.now()
    next_id = (session.scalar(select(Client.id).order_by(Client.id.desc()).limit(1)) or 0) + 1
    names = [person_name(fake, rng) for _ in range(5000)]
    made = 0
    while made < count:
        size = min(batch, count - made)
        clients, contacts, cars = [], [], []
        for offset in range(size):
            client_id = next_id + made + offset
            name = rng.choice(names)
            card = f"DK-{client_id}" if rng.random() < 0.25 else ""
            clients.append({"id": client_id, "kind": "person", "name": name, "name_key": name_key(name), "inn": "",
                            "discount_card": card, "card_key": card_key(card), "note": "", "created_at": now,
                            "version": 1})
            phone = mobile(rng)
            contacts.append({"client_id": client_id, "kind": "phone", "value": phone,
                             "value_key": contact_key("phone", phone), "is_main": True, "comment": ""})
            if rng.random() < 0.4:
                email = f"client{client_id}@example.ru"
                contacts.append({"client_id": client_id, "kind": "email", "value": email,
                                 "value_key": contact_key("email", email), "is_main": False, "comment": ""})
            for _ in range(rng.choice((1, 1, 1, 2))):
                c = car(rng, now.year)
                cars.append({"client_id": client_id, "make_model": c["make_model"], "vin": c["vin"],
                             "vin_key": vehicle_key(c["vin"]), "plate": c["plate"], "plate_key": vehicle_key(c["plate"]),
                             "year": c["year"], "created_at": now})
        session.execute(insert(Client), clients)
        session.execute(insert(ClientContact), contacts)
        session.execute(insert(Car), cars)
        session.commit()
        made += size
    _fix_sequences(session)
    return made


def _fix_sequences(session: Session) -> None:
    """After explicit ids, PostgreSQL's sequence must move past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from sqlalchemy import text

    session.execute(text("SELECT setval(pg_get_serial_sequence('client', 'id'), (SELECT max(id) FROM client))"))
    session.commit()
