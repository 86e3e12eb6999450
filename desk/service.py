"""Service bookings and the visit-confirmation desk (SPEC §3.3, seed 000): create, move and cancel
bookings; record confirmation calls; the timers that bring calls back to the desk at their time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.clock import Clock
from app.domain.calendar import WorkingCalendar
from app.domain.errors import Conflict, NotFound, NotYet, fail_on
from app.domain.i18n import N_, Message
from app.domain.regulations import Regulations
from app.domain.roles import Role
from app.models.user import Role as RoleRow
from app.models.user import User
from app.notifications.service import notify
from app.services.persistence import commit_or_conflict
from app.services.regulations import load_regulations, working_calendar
from app.services.users import NO_SUCH_EMPLOYEE, active_employee, active_staff_ids
from app.timers.models import ScheduledAction
from app.timers.service import cancel_pending, schedule
from catalogs.models import CancellationReason, Work
from clients.models import Car, Client
from desk.models import Booking, BookingWork, ConfirmationAttempt
from desk.rules import (
    EXPECTED,
    CallInput,
    RetryPolicy,
    WorkLine,
    after_failed_attempt,
    arrival_refusal,
    booking_end,
    call_problems,
    can_arrive,
    end_after_wishes,
    free_slots,
    nearest_booking,
    spoken,
    too_early,
    total_problem,
    visit_fits,
    work_line_problems,
)

SYSTEM_CANCEL_CODE = "client_unreachable"
CALL_TIMERS = ("confirmation_retry", "confirmation_callback")
OPEN_STATES = ("to_call", "retry", "callback")
STALE_BOOKING = N_("Someone else has just changed this booking. Reload it and repeat your change.")


# ----- calendar and policy from the settings (the calendar is the kernel's: app.services.regulations)


def retry_policy(regs: Regulations) -> RetryPolicy:
    return RetryPolicy(delay=timedelta(minutes=regs.retry_delay_minutes), cutoff=regs.latest_call_time,
                       max_failures=regs.max_failed_attempts)


def horizon_day(today: date, regs: Regulations, calendar: WorkingCalendar) -> date:
    """The day whose bookings are confirmed today: N working days ahead (tomorrow, or after a weekend)."""
    day = today
    for _ in range(regs.confirmation_horizon_days):
        day = calendar.next_working_day(day)
    return day


# ----- bookings


@dataclass
class BookingDraft:
    client_id: int
    start_at: datetime
    car_id: int | None = None
    advisor_id: int | None = None
    phone: str = ""
    note: str = ""
    works: list[WorkLine] = field(default_factory=list)


def refresh_totals(booking) -> None:
    """End and total follow the works; the start never moves (SPEC §3.3 «new wishes»)."""
    booking.end_at = booking_end(booking.start_at, [work.hours or Decimal("0") for work in booking.works])
    booking.total = sum((work.price or Decimal("0") for work in booking.works), Decimal("0"))


def prepare_booking(booking, *, is_created: bool) -> None:
    """Before a booking made or edited in the admin form is saved: end and total from its works, the phone
    from the client's main phone when none is given, and a new booking starts planned and to be called."""
    refresh_totals(booking)
    if not (booking.phone or "").strip() and booking.client is not None and booking.client.main_phone:
        booking.phone = booking.client.main_phone.display
    if is_created:
        booking.status, booking.confirmation_state, booking.failed_attempts = "planned", "to_call", 0


def catalog_work_line(session: Session, *, work_id: int | None, name: str, hours: Decimal | None,
                      price: Decimal | None) -> WorkLine:
    """A work line; one picked from the works catalog takes its name, hours and price unless given."""
    work = session.get(Work, work_id) if work_id else None
    return WorkLine(
        name=(name or "").strip() or (work.name if work else ""), work_id=work.id if work else None,
        # a catalog value that is not a number (NaN stored by an old form) is reported as the line's problem
        hours=hours if hours is not None else (work.standard_hours or Decimal("0") if work else Decimal("0")),
        price=price if price is not None else (work.price or Decimal("0") if work else Decimal("0")),
    )


def get_booking(session: Session, booking_id: int) -> Booking:

    booking = session.get(Booking, booking_id)
    if booking is None:
        raise NotFound(N_("The booking no longer exists."))
    return booking



def schedule_conflict(session: Session, advisor_id: int | None, start: datetime, end: datetime,
                      exclude_id: int | None = None):
    """Another live booking of the same advisor overlapping [start, end), if any."""

    if advisor_id is None:
        return None
    query = select(Booking).where(Booking.advisor_id == advisor_id, Booking.status != "cancelled",
                                  Booking.start_at < end, Booking.end_at > start)
    if exclude_id is not None:
        query = query.where(Booking.id != exclude_id)
    return session.scalar(query.limit(1))


def slot_problems(session: Session, field_name: str, *, advisor_id, start, end, clock: Clock,
                  exclude_id=None) -> dict[str, Message]:
    """Whether a visit fits: in the future, within working hours on a working day, the advisor free."""
    calendar = working_calendar(session, around=start.date())
    return _slot_problems(session, field_name, advisor_id=advisor_id, start=start, end=end, calendar=calendar,
                          now=clock.now(), exclude_id=exclude_id)


def _slot_problems(session: Session, field_name: str, *, advisor_id, start, end, calendar, now,
                   exclude_id=None) -> dict[str, Message]:
    if start <= now:
        return {field_name: Message(N_("The visit time must be in the future."))}
    if not calendar.within_working_hours(start) or not calendar.within_working_hours(end):
        return {field_name: Message(N_("The visit must fit in working hours on a working day."))}
    other = schedule_conflict(session, advisor_id, start, end, exclude_id)
    if other is not None:
        return {field_name: Message(N_("The advisor already has booking %(number)s at %(start)s."),
                                    {"number": other.number, "start": other.start_at})}
    return {}


def create_booking(session: Session, draft: BookingDraft, *, actor_id: int | None, clock: Clock):

    client = session.get(Client, draft.client_id)
    problems: dict[str, Message] = {}
    if client is None:
        problems["client_id"] = Message(N_("Choose the client."))
    car = session.get(Car, draft.car_id) if draft.car_id else None
    if draft.car_id and (car is None or client is None or car.client_id != client.id):
        problems["car_id"] = Message(N_("This car belongs to another client."))
    if draft.advisor_id is not None and active_employee(session, draft.advisor_id) is None:
        problems["advisor_id"] = Message(NO_SUCH_EMPLOYEE)
    for index, line in enumerate(draft.works):
        problems.update({k.replace("added_works", "works"): v for k, v in work_line_problems(line, index).items()})
    if total_problem([line.price for line in draft.works]) is not None:
        problems["works"] = total_problem([line.price for line in draft.works])
    end = booking_end(draft.start_at, [line.hours for line in draft.works])
    regs = load_regulations(session)
    problems.update(_slot_problems(session, "start_at", advisor_id=draft.advisor_id, start=draft.start_at, end=end,
                                   calendar=working_calendar(session, regs, around=draft.start_at.date()),
                                   now=clock.now()))
    fail_on(problems)
    main_phone = client.main_phone.display if client.main_phone else ""
    booking = Booking(client=client, car=car, advisor_id=draft.advisor_id, phone=draft.phone.strip() or main_phone,
                      start_at=draft.start_at, end_at=end, note=draft.note, created_at=clock.now(),
                      created_by_id=actor_id, status="planned", confirmation_state="to_call", failed_attempts=0)
    for line in draft.works:
        booking.works.append(BookingWork(work_id=line.work_id, name=line.name.strip(), hours=line.hours,
                                         price=line.price))
    refresh_totals(booking)
    session.add(booking)
    session.commit()
    return booking


def _check_version(booking, expected_version: int | None) -> None:
    if expected_version is not None and booking.version != expected_version:
        raise Conflict(STALE_BOOKING)
    if booking.status == "cancelled":
        raise Conflict(N_("The booking is already cancelled."))


def _commit(session: Session) -> None:
    """A concurrent change shows as a stale version, or as a clash on a timer's idempotency key."""
    commit_or_conflict(session, STALE_BOOKING, unique_clash=True)


def _cancel(session: Session, booking, reason, *, now: datetime) -> None:
    booking.status = "cancelled"
    booking.confirmation_state = "cancelled"
    booking.cancel_reason = reason
    booking.cancelled_at = now
    booking.next_contact_at = None
    cancel_pending(session, kinds=CALL_TIMERS, target_id=booking.id)


def cancel_booking(session: Session, booking_id: int, reason_id: int | None, *, expected_version: int | None,
                   actor_id: int | None, clock: Clock, note: str = ""):
    """«Отменить заявку»: with a reason from the cancellation-reasons catalog (required)."""

    booking = get_booking(session, booking_id)
    _check_version(booking, expected_version)
    reason = session.get(CancellationReason, reason_id) if reason_id else None
    if reason is None:
        fail_on({"reason_id": Message(N_("Choose the cancellation reason."))})
    now = clock.now()
    _cancel(session, booking, reason, now=now)
    booking.attempts.append(ConfirmationAttempt(at=now, operator_id=actor_id, outcome="cancel",
                                                cancel_reason_id=reason.id, state_after="cancelled", note=note))
    _commit(session)
    return booking


def move_booking(session: Session, booking_id: int, new_start: datetime, *, expected_version: int | None,
                 clock: Clock, advisor_id: int | None = ..., field_name: str = "new_start_at"):
    """Move to a new time (and maybe another advisor), keeping the duration; validated against the schedule."""
    booking = get_booking(session, booking_id)
    _check_version(booking, expected_version)
    _move(session, booking, new_start, clock=clock, field_name=field_name,
          advisor_id=booking.advisor_id if advisor_id is ... else advisor_id)
    _commit(session)
    return booking


def _move(session: Session, booking, new_start: datetime, *, clock: Clock, field_name: str, advisor_id) -> None:
    end = new_start + (booking.end_at - booking.start_at)
    regs = load_regulations(session)
    fail_on(_slot_problems(session, field_name, advisor_id=advisor_id, start=new_start, end=end,
                         calendar=working_calendar(session, regs, around=new_start.date()), now=clock.now(),
                         exclude_id=booking.id))
    booking.start_at, booking.end_at, booking.advisor_id = new_start, end, advisor_id


# ----- confirmation calls


def record_call(session: Session, booking_id: int, call: CallInput, *, expected_version: int | None,
                operator_id: int | None, clock: Clock, note: str = ""):
    """One confirmation call and its consequences (SPEC §3.3), in one transaction."""

    booking = get_booking(session, booking_id)
    _check_version(booking, expected_version)
    now = clock.now()
    regs = load_regulations(session)
    calendar = working_calendar(session, regs, around=now.date())
    fail_on(call_problems(call, now=now, visit_start=booking.start_at, calendar=calendar))
    early = too_early(call.outcome, now=now, next_contact_at=booking.next_contact_at)
    if early is not None:
        raise NotYet(early.text, fields={"outcome": early}, **early.params)
    attempt = ConfirmationAttempt(at=now, operator_id=operator_id, outcome=call.outcome, reason=call.reason,
                                  callback_at=call.callback_at, new_start_at=call.new_start_at, note=note.strip(),
                                  state_after="")
    with session.no_autoflush:  # one flush at the commit, where a concurrent change is detected (version)
        _apply_call(session, booking, call, attempt, regs=regs, calendar=calendar, now=now, operator_id=operator_id,
                    clock=clock)
    _commit(session)
    return booking


def _apply_call(session: Session, booking, call: CallInput, attempt, *, regs, calendar, now, operator_id,
                clock: Clock) -> None:
    if call.outcome == "not_reached":
        _not_reached(session, booking, regs=regs, calendar=calendar, now=now, operator_id=operator_id, clock=clock)
    elif call.outcome == "callback":
        booking.confirmation_state, booking.next_contact_at = "callback", call.callback_at
        schedule(session, kind="confirmation_callback", target_id=booking.id, due_at=call.callback_at, clock=clock,
                 key=f"callback:{booking.id}:{len(booking.attempts) + 1}", payload={"operator_id": operator_id})
    elif call.outcome == "confirmed":
        _add_wishes(booking, call)
        _confirm(session, booking)
    elif call.outcome == "reschedule":
        _move(session, booking, call.new_start_at, clock=clock, field_name="new_start_at",
              advisor_id=booking.advisor_id)
        _confirm(session, booking)
    elif call.outcome == "refused":
        reason = session.get(CancellationReason, call.cancel_reason_id)
        if reason is None:
            fail_on({"cancel_reason_id": Message(N_("Choose the cancellation reason."))})
        attempt.cancel_reason_id = reason.id
        _cancel(session, booking, reason, now=now)
    attempt.state_after = booking.confirmation_state
    attempt.next_contact_at = booking.next_contact_at
    booking.attempts.append(attempt)


def _add_wishes(booking, call: CallInput) -> None:
    """New wishes join the booking; the start stays and the end never moves earlier, unless the operator
    set another end (seed 000)."""
    for line in call.added_works:
        booking.works.append(BookingWork(work_id=line.work_id, name=line.name.strip(), hours=line.hours,
                                         price=line.price, added_on_call=True))
    problem = total_problem([work.price or Decimal("0") for work in booking.works])
    if problem is not None:
        fail_on({"added_works": problem})
    booking.total = sum((work.price or Decimal("0") for work in booking.works), Decimal("0"))
    booking.end_at = call.new_end_at or end_after_wishes(booking.start_at, booking.end_at,
                                                         [work.hours or Decimal("0") for work in booking.works])


def _confirm(session: Session, booking) -> None:
    booking.status, booking.confirmation_state, booking.next_contact_at = "confirmed", "confirmed", None
    cancel_pending(session, kinds=CALL_TIMERS, target_id=booking.id)


def _not_reached(session: Session, booking, *, regs, calendar, now, operator_id, clock) -> None:
    booking.failed_attempts += 1
    decision = after_failed_attempt(now, booking.failed_attempts, retry_policy(regs), calendar, booking.start_at)
    cancel_pending(session, kinds=CALL_TIMERS, target_id=booking.id)
    if decision.action == "retry":
        booking.confirmation_state, booking.next_contact_at = "retry", decision.at
        schedule(session, kind="confirmation_retry", target_id=booking.id, due_at=decision.at, clock=clock,
                 key=f"retry:{booking.id}:{booking.failed_attempts}", payload={"operator_id": operator_id})
    elif decision.action == "unreached":
        booking.confirmation_state, booking.next_contact_at = "unreached", None
        notify(session, advisor_or_service_admins(session, booking), kind="booking_unreached", clock=clock,
               target=("booking", booking.id),
               key=f"unreached:{booking.id}", message=Message(
                   N_("Could not reach %(client)s before the visit %(number)s at %(start)s."),
                   {"client": booking.client.name, "number": booking.number, "start": booking.start_at}))
    else:
        reason = session.scalar(select(CancellationReason).where(CancellationReason.code == SYSTEM_CANCEL_CODE))
        _cancel(session, booking, reason, now=now)
        schedule(session, kind="confirmation_auto_cancel", target_id=booking.id, due_at=now, clock=clock,
                 key=f"auto_cancel:{booking.id}")


def advisor_free_slots(session: Session, booking_id: int, day: date, *, clock: Clock) -> list[datetime]:
    """Where this booking could move on `day` with its advisor: the free starts of the working day."""
    booking = get_booking(session, booking_id)
    calendar = working_calendar(session, around=day)
    if not calendar.is_working_day(day):
        return []
    start, end = calendar.day_bounds(day)
    query = select(Booking.start_at, Booking.end_at).where(
        Booking.status != "cancelled", Booking.id != booking.id, Booking.start_at < end, Booking.end_at > start)
    busy = [(begin, end_) for begin, end_ in session.execute(query.where(Booking.advisor_id == booking.advisor_id))] \
        if booking.advisor_id is not None else []
    return free_slots(opens=calendar.at(day, calendar.day_start), closes=calendar.at(day, calendar.day_end),
                      busy=busy, duration=booking.end_at - booking.start_at, not_before=clock.now())


# ----- the call script


def call_script(booking, regs: Regulations, calendar: WorkingCalendar) -> dict[str, str]:
    """The script texts of SPEC §3.3 with this booking's values filled in (admins edit them in settings).

    A company is greeted through its contact person when known, else with a plain «Здравствуйте!»."""
    from app.domain.templates import render_template_body

    client = booking.client
    values = {
        "client_name": client.contact_person if client.kind == "company" else client.name, "visit_at": calendar.local(booking.start_at).strftime("%d.%m.%Y %H:%M"),
        "advisor": (booking.advisor.full_name or booking.advisor.username) if booking.advisor else "",
        "dealer_name": regs.dealer_name, "dealer_phone": regs.dealer_phone, "car": str(booking.car or ""),
        "manager": "", "meeting_at": "",
    }
    return {name: spoken(render_template_body(getattr(regs, name), values)) for name in
            ("script_greeting", "script_purpose", "script_documents", "script_handover")}


# ----- the desk list


STATE_ORDER = {"to_call": 0, "retry": 0, "callback": 0, "unreached": 1, "confirmed": 2, "cancelled": 3}


def _desk_order(query):
    order = case(STATE_ORDER, value=Booking.confirmation_state, else_=1)
    return query.order_by(order, Booking.next_contact_at.is_(None), Booking.next_contact_at, Booking.start_at,
                          Booking.id)


def _desk_loads(query):
    """What a row shows, in the bookings' own statement (and one for the clients' phones)."""
    return query.options(joinedload(Booking.client).selectinload(Client.contacts), joinedload(Booking.car),
                         joinedload(Booking.advisor).lazyload(User.roles), joinedload(Booking.cancel_reason))


def _pages(count: int, per_page: int) -> int:
    """How many pages `count` rows fill, at least one (an empty list is one empty page)."""
    return max(1, -(-count // per_page))


def desk_list(session: Session, day: date, *, calendar: WorkingCalendar) -> list:
    """The bookings of `day`: those still to call first, by next contact time, then the rest."""
    start, end = calendar.day_bounds(day)
    query = select(Booking).where(Booking.start_at >= start, Booking.start_at < end)
    return list(session.scalars(_desk_loads(_desk_order(query))))


DESK_ROWS_PER_PAGE = 100  # a dealer group's day is thousands of bookings: a page of them, those to call first


@dataclass
class DeskPage:
    day: date
    bookings: list
    advisors: list[tuple[int, str]]  # every active advisor, for the filter
    advisor_id: int | None  # the filters as applied: an unknown advisor or state is no filter
    state: str | None
    page: int
    pages: int
    total: int
    first: int  # the rows shown: first…last of total
    last: int


def desk_page(session: Session, day: date, *, calendar: WorkingCalendar, advisor_id: int | None = None,
              state: str | None = None, page: int = 1, per_page: int | None = None) -> DeskPage:
    """One page of `day`'s confirmation list in desk order, of one advisor's bookings or one state's when
    asked: the advisors, the rows with their total (a window count, no second query) and the clients' phones.
    A page past the last is the last."""
    per_page = per_page or DESK_ROWS_PER_PAGE
    advisors = advisor_choices(session)
    advisor_id = advisor_id if any(a[0] == advisor_id for a in advisors) else None
    state = state if state in STATE_ORDER else None
    start, end = calendar.day_bounds(day)
    query = select(Booking, func.count().over()).where(Booking.start_at >= start, Booking.start_at < end)
    if advisor_id is not None:
        query = query.where(Booking.advisor_id == advisor_id)
    if state is not None:
        query = query.where(Booking.confirmation_state == state)
    query = _desk_loads(_desk_order(query))

    def read(number: int) -> list:
        return session.execute(query.limit(per_page).offset((number - 1) * per_page)).all()

    page = max(page, 1)
    rows = read(page)
    if not rows and page > 1:  # past the last page: count, then the last page
        total = session.scalar(select(func.count()).select_from(query.with_only_columns(Booking.id).subquery()))
        page = _pages(total, per_page)
        rows = read(page)
    total = rows[0][1] if rows else 0
    first = (page - 1) * per_page + 1 if rows else 0
    return DeskPage(day=day, bookings=[row[0] for row in rows], advisors=advisors, advisor_id=advisor_id,
                    state=state, page=page, pages=_pages(total, per_page), total=total, first=first,
                    last=first + len(rows) - 1 if rows else 0)


def advisor_choices(session: Session) -> list[tuple[int, str]]:
    """Every active service advisor as (id, name), by name: the advisor filters."""
    return [(user_id, full_name or username) for user_id, full_name, username in session.execute(
        _active_advisors().with_only_columns(User.id, User.full_name, User.username)
        .order_by(User.full_name, User.username))]


# ----- the schedule: one day as an hour grid per advisor, a page of advisors at a time

SCHEDULE_ADVISORS_PER_PAGE = 12  # a dealer group has hundreds of advisors: never thousands of cards at once


@dataclass
class ScheduleColumn:
    advisor_id: int | None  # None: the bookings without an (active) advisor
    name: str
    starting: dict[int, list] = field(default_factory=dict)  # local hour → the bookings starting in it
    busy: set[int] = field(default_factory=set)  # the hours a booking covers
    count: int = 0


@dataclass
class ScheduleDay:
    day: date
    hours: list[int]
    columns: list[ScheduleColumn]
    advisors: list[tuple[int, str]]  # every active advisor, for the filter
    page: int
    pages: int
    first: int  # the advisors shown: first…last of len(advisors)
    last: int


def schedule_day(session: Session, day: date, *, calendar: WorkingCalendar, advisor_id: int | None = None,
                 page: int = 1, per_page: int | None = None) -> ScheduleDay:
    """The bookings of `day` for one page of advisors (or the one asked for), grouped by advisor and local hour
    in one pass; the bookings without an active advisor come first, on the first page. Four statements
    whatever the day holds: the advisors, the bookings, their clients, their cars. An advisor asked for who is
    not an active advisor is no filter; a page past the last is the last."""
    per_page = per_page or SCHEDULE_ADVISORS_PER_PAGE
    advisors = advisor_choices(session)
    matching = [a for a in advisors if a[0] == advisor_id]
    advisor_id = advisor_id if matching else None
    shown = matching or advisors
    pages = _pages(len(shown), per_page)
    page = min(max(page, 1), pages)
    on_page = shown[(page - 1) * per_page:page * per_page]
    start, end = calendar.day_bounds(day)
    ids = [user_id for user_id, _name in on_page]
    whose = Booking.advisor_id.in_(ids)
    if page == 1 and advisor_id is None:  # nobody's bookings (or a departed advisor's) on the first page
        whose = whose | Booking.advisor_id.is_(None) | Booking.advisor_id.not_in(
            _active_advisors().with_only_columns(User.id))
    bookings = session.scalars(
        select(Booking).where(Booking.start_at >= start, Booking.start_at < end, whose)
        .order_by(Booking.start_at, Booking.id)
        .options(selectinload(Booking.client), selectinload(Booking.car)))
    columns = {user_id: ScheduleColumn(user_id, name) for user_id, name in on_page}
    nobody = ScheduleColumn(None, "")
    first_hour, last_hour = calendar.day_start.hour, calendar.day_end.hour
    for booking in bookings:
        column = columns.get(booking.advisor_id, nobody)
        begins, ends = calendar.local(booking.start_at), calendar.local(booking.end_at)
        column.starting.setdefault(begins.hour, []).append(booking)
        column.count += 1
        if ends.date() != begins.date():
            last_covered = 23
        else:
            last_covered = max(begins.hour, ends.hour if ends.minute or ends.second else ends.hour - 1)
        column.busy.update(range(begins.hour, last_covered + 1))
        first_hour, last_hour = min(first_hour, begins.hour), max(last_hour, last_covered + 1)
    hours = list(range(first_hour, min(last_hour, 24)))
    shown_columns = ([nobody] if nobody.count else []) + list(columns.values())
    first = (page - 1) * per_page + 1 if on_page else 0
    return ScheduleDay(day=day, hours=hours, columns=shown_columns, advisors=advisors, page=page, pages=pages,
                       first=first, last=first + len(on_page) - 1 if on_page else 0)


def _active_advisors():
    return select(User).where(User.active.is_(True), User.roles.any(RoleRow.code == Role.SERVICE_ADVISOR))


# ----- timers and whom they tell


def service_admins_on_duty(session: Session) -> list[int]:
    """The service administrators to tell. The product has no shifts: every active employee with the
    service-administrator role is on duty."""
    return active_staff_ids(session, Role.SERVICE_ADMIN)


def operator_and_service_admins(session: Session, operator_id: int | None) -> list[int]:
    """A call coming back to the desk: the operator who made the last call, and the service administrators
    on duty (one notification each, the operator first; `notify` drops the repeats)."""
    operator = active_employee(session, operator_id)
    return [operator.id, *service_admins_on_duty(session)] if operator else service_admins_on_duty(session)


def advisor_or_service_admins(session: Session, booking) -> list[int]:
    """News about a booking: its advisor, or the service administrators on duty when it has none (or the
    advisor has left: an inactive user reads nothing)."""
    advisor = booking.advisor
    return [advisor.id] if advisor is not None and advisor.active else service_admins_on_duty(session)


def ensure_daily_timers(session: Session, *, clock: Clock) -> int:
    """The daily «prepare the confirmation list» timer for today and the next working day (idempotent)."""
    regs = load_regulations(session)
    now = clock.now()
    calendar = working_calendar(session, regs, around=now.date())
    today = calendar.local(now).date()
    created = 0
    for day in (today, calendar.next_working_day(today)):
        if not calendar.is_working_day(day):
            continue
        key = f"confirmation_list:{day.isoformat()}"
        exists = session.scalar(select(ScheduledAction.id).where(ScheduledAction.idempotency_key == key))
        if exists is None:
            schedule(session, kind="confirmation_list", due_at=calendar.at(day, regs.confirmation_window_start),
                     key=key, clock=clock, payload={"day": day.isoformat()})
            created += 1
    return created


def _prepare_list(session: Session, action: ScheduledAction, clock: Clock) -> None:
    """At the window start: the horizon day's bookings go on the desk, service administrators are told."""

    regs = load_regulations(session)
    calendar = working_calendar(session, regs, around=clock.now().date())
    today = date.fromisoformat(action.payload["day"])
    target = horizon_day(today, regs, calendar)
    start, end = calendar.day_bounds(target)
    window_start = calendar.at(today, regs.confirmation_window_start)
    bookings = list(session.scalars(select(Booking).where(
        Booking.start_at >= start, Booking.start_at < end, Booking.status != "cancelled",
        Booking.confirmation_state == "to_call")))
    for booking in bookings:
        if booking.next_contact_at is None:
            booking.next_contact_at = window_start
    notify(session, service_admins_on_duty(session), kind="confirmation_list", clock=clock,
           target=("desk", target.toordinal()),
           key=f"confirmation_list:{today.isoformat()}", message=Message(
               N_("The confirmation list for %(day)s is ready: %(count)s bookings to call."),
               {"day": target.strftime("%d.%m.%Y"), "count": len(bookings)}))
    ensure_daily_timers(session, clock=clock)


def _call_due(session: Session, action: ScheduledAction, clock: Clock, *, text: str) -> None:

    booking = session.get(Booking, action.target_id)
    if booking is None or booking.confirmation_state not in ("retry", "callback"):
        return  # confirmed, cancelled or moved meanwhile: nothing to remind
    notify(session, operator_and_service_admins(session, action.payload.get("operator_id")), kind=action.kind,
           clock=clock, target=("booking", booking.id),
           key=action.idempotency_key, message=Message(text, {"client": booking.client.name, "number": booking.number,
                                                               "phone": booking.phone}))


def _retry_due(session: Session, action: ScheduledAction, clock: Clock) -> None:
    _call_due(session, action, clock, text=N_("Time to call %(client)s again (%(phone)s, booking %(number)s)."))


def _callback_due(session: Session, action: ScheduledAction, clock: Clock) -> None:
    _call_due(session, action, clock, text=N_("%(client)s asked to be called back now (%(phone)s, booking %(number)s)."))


def _auto_cancelled(session: Session, action: ScheduledAction, clock: Clock) -> None:
    """After the last failed attempt: the booking is cancelled (system reason) and its advisor told, once
    (the service administrators on duty when it has none)."""

    booking = session.get(Booking, action.target_id)
    if booking is None:
        return
    if booking.status != "cancelled":
        reason = session.scalar(select(CancellationReason).where(CancellationReason.code == SYSTEM_CANCEL_CODE))
        _cancel(session, booking, reason, now=clock.now())
    notify(session, advisor_or_service_admins(session, booking), kind="booking_auto_cancelled", clock=clock,
           target=("booking", booking.id),
           key=f"auto_cancel:{booking.id}", message=Message(
               N_("Booking %(number)s of %(client)s (%(start)s) was cancelled: the client could not be reached "
                  "%(attempts)s times."),
               {"number": booking.number, "client": booking.client.name, "start": booking.start_at,
                "attempts": booking.failed_attempts}))


# ----- arrivals and no-shows


def mark_arrived(session: Session, booking_id: int, *, expected_version: int | None, clock: Clock):
    """«Клиент приехал»: reception marks the client of the booking arrived, now."""
    booking = get_booking(session, booking_id)
    _check_version(booking, expected_version)
    calendar = working_calendar(session, around=booking.start_at.date())
    day = calendar.local(booking.start_at).date()
    refusal = arrival_refusal(booking.status, visit_day=day, today=calendar.local(clock.now()).date())
    if refusal is not None:
        raise Conflict(refusal, day=day.strftime("%d.%m.%Y"))
    _arrive(session, booking, at=clock.now())
    _commit(session)
    return booking


def _arrive(session: Session, booking, *, at: datetime, visit=None) -> None:
    booking.status = "arrived"
    booking.arrived_at = at
    if visit is not None:
        booking.repair_visit_id = visit.id
    booking.next_contact_at = None
    cancel_pending(session, kinds=(*CALL_TIMERS, "confirmation_auto_cancel"), target_id=booking.id)


def arrival_by_repair_visit(session: Session, visit, *, user_id: int | None, clock: Clock) -> Message | None:
    """A repair visit («Машинозаезд») for a client with a booking that day (same car, or none noted) marks the
    booking nearest to the arrival as arrived and links them; in the visit's own transaction (no commit)."""
    if visit.client_id is None or visit.arrived_at is None:
        return None
    calendar = working_calendar(session, around=visit.arrived_at.date())
    start, end = calendar.day_bounds(calendar.local(visit.arrived_at).date())
    rows = session.execute(select(Booking.id, Booking.start_at, Booking.car_id, Booking.status).where(
        Booking.client_id == visit.client_id, Booking.start_at >= start, Booking.start_at < end))
    chosen = nearest_booking([(id_, at) for id_, at, car_id, status in rows
                              if can_arrive(status) and visit_fits(booking_car_id=car_id, visit_car_id=visit.car_id)],
                             visit.arrived_at)
    if chosen is None:
        return None
    booking = session.get(Booking, chosen)
    _arrive(session, booking, at=visit.arrived_at, visit=visit)
    return Message(N_("Booking %(number)s: the client arrived."), {"number": booking.number})


def ensure_day_end_timers(session: Session, *, clock: Clock) -> int:
    """The «day is over» timer of today's working day, at the working calendar's day end (idempotent)."""
    now = clock.now()
    calendar = working_calendar(session, around=now.date())
    today = calendar.local(now).date()
    key = f"bookings_day_end:{today.isoformat()}"
    if not calendar.is_working_day(today) or session.scalar(
            select(ScheduledAction.id).where(ScheduledAction.idempotency_key == key)) is not None:
        return 0
    schedule(session, kind="bookings_day_end", due_at=calendar.at(today, calendar.day_end), key=key, clock=clock,
             payload={"day": today.isoformat()})
    return 1


def _day_ended(session: Session, action: ScheduledAction, clock: Clock) -> None:
    """At the day's end: the day's bookings still awaited (planned or confirmed) become «не приехал»."""
    day = date.fromisoformat(action.payload["day"])
    start, end = working_calendar(session, around=day).day_bounds(day)
    for booking in session.scalars(select(Booking).where(
            Booking.start_at >= start, Booking.start_at < end, Booking.status.in_(EXPECTED))):
        booking.status = "no_show"
        booking.next_contact_at = None
        cancel_pending(session, kinds=(*CALL_TIMERS, "confirmation_auto_cancel"), target_id=booking.id)


TIMER_HANDLERS = {
    "confirmation_list": _prepare_list,
    "bookings_day_end": _day_ended,
    "confirmation_retry": _retry_due,
    "confirmation_callback": _callback_due,
    "confirmation_auto_cancel": _auto_cancelled,
}
