"""Demo history: the last few weeks replayed through the wings' own use cases, so «Показатели» and the role
homes of a fresh install show a real month — bookings made the day before and confirmed by the desk, clients
who came or did not, traffic taken after a wait and processed or ignored, leads whose cadences ran.

The replay moves a clock through each past working day and, like the worker, fires every timer as it falls due
(`run_due`), so retries, auto-cancellations, escalations, no-shows and cadence steps happen as they would have.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock, MutableClock
from app.domain.errors import DomainError
from app.jobs import RecordingDispatcher
from app.models.user import User
from app.services.regulations import working_calendar
from app.timers.service import reconcile, run_due
from appeals import service as appeals
from catalogs.models import AppealCategory, CancellationReason, ContactGoal, IgnoreReason, Work
from clients.models import Client
from desk import service as desk
from desk.models import Booking
from desk.rules import CallInput, WorkLine
from documents.models import WorkSheet
from leads import service as leads
from traffic import service as traffic
from traffic.models import Traffic

INTERESTS = ("Kia Sportage", "Kia Rio", "Hyundai Creta", "Toyota RAV4", "Skoda Octavia", "Haval Jolion")


class _NotYet(Exception):
    """What would happen after the real now stops here (today is replayed up to the moment of the install)."""


class _Replay:
    def __init__(self, session: Session, clock: MutableClock, rng: random.Random) -> None:
        self.session, self.clock, self.rng = session, clock, rng
        self.until: datetime | None = None
        self.dispatcher = RecordingDispatcher()
        self.staff = {u.username: u.id for u in session.scalars(select(User))}
        self.advisors = [self.staff[n] for n in ("advisor", "advisor2") if n in self.staff]
        self.operator = self.staff.get("service")
        self.reception = self.staff.get("reception")
        self.call_centre = self.staff.get("callcenter")
        self.clients = list(session.scalars(select(Client.id).order_by(Client.id)))
        self.works = list(session.scalars(select(Work).where(Work.show_in_list.is_(True)).order_by(Work.sort_order)))
        self.goals = [g for g in session.scalars(select(ContactGoal).where(ContactGoal.show_in_list.is_(True))
                                                 .order_by(ContactGoal.sort_order)) if g.specialists]
        self.ignore_reasons = [r.id for r in session.scalars(select(IgnoreReason).where(
            IgnoreReason.show_in_list.is_(True), IgnoreReason.requires_comment.is_(False)))]
        self.categories = [c for c in session.scalars(select(AppealCategory).where(
            AppealCategory.show_in_list.is_(True), AppealCategory.auto_rule.is_(None)).order_by(AppealCategory.sort_order))]
        self.refusals = [r.id for r in session.scalars(select(CancellationReason).where(
            CancellationReason.show_in_list.is_(True), CancellationReason.code != desk.SYSTEM_CANCEL_CODE))]

    def at(self, moment: datetime) -> None:
        """The clock moves on to `moment`; what fell due on the way fires first, as the worker would."""
        if self.until is not None and moment > self.until:
            raise _NotYet
        if moment > self.clock.now():
            self.clock.set(moment)
        run_due(self.session, clock=self.clock, dispatcher=self.dispatcher)

    # ----- one working day

    def day(self, day, calendar, following) -> int:
        """The day's events in time order; returns how many things happened."""
        events: list[tuple[datetime, int, object]] = []

        def plan(moment: datetime, action) -> None:
            events.append((moment, len(events), action))

        opening = calendar.at(day, calendar.day_start)
        if self.until is not None and opening > self.until:
            return 0  # today has not begun yet
        self.at(opening)
        reconcile(self.session, clock=self.clock, dispatcher=self.dispatcher)
        plan(opening + timedelta(minutes=30), lambda: self.book(following, calendar))
        start, end = calendar.day_bounds(day)
        for booking in list(self.session.scalars(select(Booking).where(Booking.start_at >= start,
                                                                       Booking.start_at < end))):
            self.plan_arrival(booking, plan)
        for _ in range(self.rng.randint(12, 28)):
            plan(opening + timedelta(minutes=self.rng.randrange(0, 9 * 60)), self.traffic_record)
        plan(opening + timedelta(hours=3, minutes=5), lambda: self.calls(following, calendar))
        plan(opening + timedelta(hours=4, minutes=20), lambda: self.calls(following, calendar, again=True))
        plan(opening + timedelta(hours=2), self.new_leads)
        plan(opening + timedelta(hours=1), self.lead_calls)
        plan(opening + timedelta(hours=7), self.lead_calls)
        events.sort(key=lambda item: (item[0], item[1]))
        done = 0
        for moment, _n, action in events:
            try:
                self.at(moment)
                action()
                done += 1
            except _NotYet:
                continue  # later than now: today's rest happens live
            except DomainError:
                self.session.rollback()  # a slot taken, a call too early: the day goes on
        if self.until is None:
            self.at(calendar.at(day, calendar.day_end) + timedelta(minutes=1))
        return done

    def book(self, day, calendar) -> None:
        for _ in range(self.rng.randint(5, 9)):
            client_id = self.rng.choice(self.clients)
            client = self.session.get(Client, client_id)
            lines = [WorkLine(name=w.name, hours=w.standard_hours, price=w.price, work_id=w.id)
                     for w in self.rng.sample(self.works, k=min(len(self.works), self.rng.choice((1, 1, 2))))]
            start = calendar.at(day, time(self.rng.randint(calendar.day_start.hour, 16), self.rng.choice((0, 30))))
            try:
                desk.create_booking(self.session, desk.BookingDraft(
                    client_id=client_id, start_at=start, car_id=client.cars[0].id if client.cars else None,
                    advisor_id=self.rng.choice(self.advisors) if self.advisors else None, works=lines),
                    actor_id=self.reception, clock=self.clock)
            except DomainError:
                self.session.rollback()

    def calls(self, day, calendar, *, again: bool = False) -> None:
        """The desk calls the next working day's bookings: most confirm, some are not reached, a few refuse."""
        start, end = calendar.day_bounds(day)
        for booking in list(self.session.scalars(select(Booking).where(
                Booking.start_at >= start, Booking.start_at < end,
                Booking.confirmation_state.in_(("retry",) if again else ("to_call",))))):
            roll = self.rng.random()
            if not again and roll < 0.07:
                continue  # not called today
            if roll < 0.7:
                call = CallInput(outcome="confirmed")
            elif roll < 0.92 or not self.refusals:
                call = CallInput(outcome="not_reached", reason=self.rng.choice(("busy", "no_answer", "off")))
            else:
                call = CallInput(outcome="refused", cancel_reason_id=self.rng.choice(self.refusals))
            try:
                desk.record_call(self.session, booking.id, call, expected_version=None, operator_id=self.operator,
                                 clock=self.clock)
            except DomainError:
                self.session.rollback()

    def plan_arrival(self, booking: Booking, plan) -> None:
        if booking.status not in ("planned", "confirmed"):
            return
        chance = 0.93 if booking.confirmation_state == "confirmed" else 0.6
        if self.rng.random() < chance:
            moment = booking.start_at + timedelta(minutes=self.rng.randint(-15, 20))
            plan(moment, lambda: desk.mark_arrived(self.session, booking.id, expected_version=None, clock=self.clock))

    def traffic_record(self) -> None:
        if not self.goals:
            return
        goal = self.rng.choice(self.goals)
        known = self.rng.random() < 0.6
        client_id = self.rng.choice(self.clients) if known else None
        row, _ = traffic.register(self.session, traffic.TrafficDraft(
            channel=goal.channel, goal_id=goal.id, client_id=client_id,
            description="" if known else self.rng.choice(("Мужчина в синей куртке", "Пара у витрины", "Звонок")),
            queue=goal.channel == "visit"), actor_id=self.reception, clock=self.clock)
        wait = min(int(self.rng.expovariate(1 / 4)), 40)
        if self.rng.random() < 0.04:
            wait = self.rng.randint(16, 50)  # nobody took it in time: escalated to the supervisors first
        taker = self.rng.choice(goal.specialists).id
        self.at(self.clock.now() + timedelta(minutes=wait, seconds=self.rng.randint(0, 59)))
        traffic.take(self.session, row.id, user_id=taker, clock=self.clock)
        self.at(self.clock.now() + timedelta(minutes=self.rng.randint(2, 25)))
        if self.rng.random() < 0.2 and self.ignore_reasons:
            traffic.ignore(self.session, row.id, reason_id=self.rng.choice(self.ignore_reasons), comment="",
                           user_id=taker, clock=self.clock)
            return
        if row.client_id is not None and goal.department == "service" and self.rng.random() < 0.5:
            self.appeal(row, taker)
        owner = row.client_id or self.rng.choice(self.clients)
        sheet = WorkSheet(client_id=owner, manager_id=taker, interest=self.rng.choice(INTERESTS),
                          created_at=self.clock.now())
        self.session.add(sheet)
        self.session.flush()
        traffic.attach(self.session, row.id, document_type="work_sheet", document_id=sheet.id, user_id=taker,
                       clock=self.clock)

    def appeal(self, row: Traffic, taker: int) -> None:
        """«Контакт с клиентом» registered from the traffic card: a rule may pick the category, or staff do."""
        category = self.rng.choice(self.categories) if self.categories else None
        outcomes = list(category.outcomes) if category is not None else []
        appeals.register_appeal(self.session, appeals.AppealDraft(
            client_id=row.client_id, channel=row.channel, traffic_id=row.id,
            category_id=category.id if category is not None else None,
            outcome_id=self.rng.choice(outcomes).id if outcomes else None), actor_id=taker, clock=self.clock)

    def new_leads(self) -> None:
        if self.call_centre is None:
            return
        sales = [self.staff[n] for n in ("sales", "sales2") if n in self.staff]
        for _ in range(self.rng.randint(1, 3)):
            lead = leads.create_lead(self.session, leads.LeadDraft(
                client_id=self.rng.choice(self.clients), interest=self.rng.choice(INTERESTS),
                responsible_id=self.call_centre), actor_id=self.call_centre, clock=self.clock)
            if self.rng.random() < 0.4 and sales:
                meeting = (self.clock.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
                leads.record_event(self.session, lead.id, "meeting_set", actor_id=self.call_centre,
                                   clock=self.clock, at=meeting, employee_id=self.rng.choice(sales))
            else:
                leads.record_event(self.session, lead.id, "no_meeting_set", actor_id=self.call_centre,
                                   clock=self.clock)

    def lead_calls(self) -> None:
        """The call centre works through the open call tasks due by now; meetings due are held or missed."""
        from leads.models import CallTask, Lead

        for task in list(self.session.scalars(select(CallTask).where(CallTask.status == "open",
                                                                     CallTask.due_at <= self.clock.now()))):
            outcome = "reached" if self.rng.random() < 0.35 else "not_reached"
            try:
                leads.complete_call_task(self.session, task.id, outcome=outcome, actor_id=self.call_centre,
                                         clock=self.clock)
            except DomainError:
                self.session.rollback()
        for lead in list(self.session.scalars(select(Lead).where(Lead.meeting_at <= self.clock.now(),
                                                                 Lead.meeting_at > self.clock.now() - timedelta(hours=8),
                                                                 Lead.closed_at.is_(None)))):
            if self.rng.random() < 0.7:
                try:
                    leads.record_event(self.session, lead.id, "meeting_held", actor_id=lead.meeting_employee_id,
                                       clock=self.clock)
                except DomainError:
                    self.session.rollback()


def install_demo_history(session: Session, *, clock: Clock, days: int = 40, seed: int = 28) -> int:
    """Idempotent: nothing when traffic exists or there are no clients. Replays the working days of the last
    `days` days before today; returns how many events were replayed."""
    if session.scalar(select(Traffic.id).limit(1)) is not None or session.scalar(select(Client.id).limit(1)) is None:
        return 0
    now = clock.now()
    calendar = working_calendar(session, around=now.date())
    today = calendar.local(now).date()
    replay_clock = MutableClock(calendar.at(today - timedelta(days=days), time(0)))
    replay = _Replay(session, replay_clock, random.Random(seed))
    count = 0
    day = today - timedelta(days=days)
    while day < today:
        if calendar.is_working_day(day):
            count += replay.day(day, calendar, calendar.next_working_day(day))
        day += timedelta(days=1)
    replay.until = now  # and today up to now: the waiting list, today's calls and visits are live from here
    if calendar.is_working_day(today):
        count += replay.day(today, calendar, calendar.next_working_day(today))
    try:
        replay.at(now)
    except _NotYet:
        pass
    return count

