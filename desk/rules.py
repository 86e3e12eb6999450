"""The visit-confirmation desk rules (SPEC §3.3): what each call outcome requires, and when to call
again after a failed attempt. Plain functions of their inputs, the clock included."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal

from app.domain.calendar import WorkingCalendar
from app.domain.i18n import N_, Message
from app.domain.roles import Role

OUTCOMES = ("not_reached", "callback", "confirmed", "reschedule", "refused")
NOT_REACHED_REASONS = ("out_of_network", "unavailable", "busy", "rejected")
UNSPECIFIED_REASON = "unspecified"  # a «не дозвонились» recorded through the API without a reason
# The desk state of a booking; `unreached` = no attempt left before the visit, not cancelled.
STATES = ("to_call", "retry", "callback", "confirmed", "unreached", "cancelled")
MAX_WORK_HOURS = Decimal("100")
MAX_TOTAL = Decimal("9999999999.99")  # the booking's total column is Numeric(12, 2)
TOTAL_TOO_LARGE = N_("The total is too large (at most 9 999 999 999.99).")


@dataclass(frozen=True)
class RetryPolicy:
    delay: timedelta
    cutoff: time  # the latest call time; a retry exactly at it is allowed
    max_failures: int  # failed attempts in total, the first call included


@dataclass(frozen=True)
class RetryDecision:
    action: Literal["retry", "cancel", "unreached"]
    at: datetime | None = None


def after_failed_attempt(failed_at: datetime, failures: int, policy: RetryPolicy, calendar: WorkingCalendar,
                         visit_start: datetime) -> RetryDecision:
    """What follows a failed call at `failed_at`, `failures` being the failed attempts so far (this one included).

    1. failures ≥ max → cancel (the caller cancels with the system reason and tells the advisor);
    2. failed_at + delay ≤ today's cutoff → retry then;
    3. failed_at < cutoff < failed_at + delay → retry at the cutoff;
    4. failed_at ≥ cutoff (or on a day off) → the next working day's start, if still before the visit;
       else `unreached`.
    A retry that would fall at or after the visit start is pointless: `unreached` as well.
    """
    if failures >= policy.max_failures:
        return RetryDecision("cancel")
    local_day = calendar.local(failed_at).date()
    cutoff = calendar.at(local_day, policy.cutoff)
    if failed_at >= cutoff or not calendar.is_working_day(local_day):
        at = calendar.at(calendar.next_working_day(local_day), calendar.day_start)
    else:
        # cases 2 and 3; a failure logged before opening time is retried when the working day starts
        at = max(min(failed_at + policy.delay, cutoff), calendar.at(local_day, calendar.day_start))
    if at >= visit_start:
        return RetryDecision("unreached")
    return RetryDecision("retry", at)


@dataclass(frozen=True)
class CallInput:
    outcome: str
    reason: str = ""  # not_reached: how
    callback_at: datetime | None = None
    new_start_at: datetime | None = None
    cancel_reason_id: int | None = None
    added_works: tuple[WorkLine, ...] = ()
    new_end_at: datetime | None = None  # confirmed: an end the operator set instead of the computed one


@dataclass(frozen=True)
class WorkLine:
    name: str
    hours: Decimal
    price: Decimal
    work_id: int | None = None


def work_line_problems(line: WorkLine, index: int) -> dict[str, Message]:
    problems: dict[str, Message] = {}
    prefix = f"added_works.{index}."
    if not line.name.strip():
        problems[prefix + "name"] = Message(N_("Name the work."))
    if not line.hours.is_finite() or not Decimal("0") <= line.hours <= MAX_WORK_HOURS:
        problems[prefix + "hours"] = Message(N_("Hours must be between 0 and 100."))
    if not line.price.is_finite() or line.price < 0:
        problems[prefix + "price"] = Message(N_("The price cannot be negative."))
    elif line.price > MAX_TOTAL:
        problems[prefix + "price"] = Message(N_("The price is too large (at most 9 999 999 999.99)."))
    return problems


def total_problem(prices: list[Decimal]) -> Message | None:
    """A booking's total must fit its column (Numeric(12, 2)); the lines are checked one by one above."""
    if all(p.is_finite() for p in prices) and sum(prices, Decimal("0")) > MAX_TOTAL:
        return Message(TOTAL_TOO_LARGE)
    return None


def too_early(outcome: str, *, now: datetime, next_contact_at: datetime | None) -> Message | None:
    """A failed call before the booking's next contact time would bypass the regulation (three failures in two
    minutes would cancel the booking): it is refused, naming when the next attempt is due."""
    if outcome == "not_reached" and next_contact_at is not None and now < next_contact_at:
        return Message(N_("Too early: the next attempt is due at %(at)s."), {"at": next_contact_at})
    return None


def call_problems(call: CallInput, *, now: datetime, visit_start: datetime,
                  calendar: WorkingCalendar) -> dict[str, Message]:
    """Field → message: which fields the outcome requires and what their values must be."""
    problems: dict[str, Message] = {}
    if call.outcome not in OUTCOMES:
        return {"outcome": Message(N_("Choose how the call ended."))}
    if call.outcome == "not_reached" and call.reason not in (*NOT_REACHED_REASONS, UNSPECIFIED_REASON):
        problems["reason"] = Message(N_("Choose why the client could not be reached."))
    if call.outcome == "callback":
        at = call.callback_at
        if at is None:
            problems["callback_at"] = Message(N_("Enter when to call back (the time the client named)."))
        elif at <= now:
            problems["callback_at"] = Message(N_("The callback time must be in the future."))
        elif not calendar.within_working_hours(at):
            problems["callback_at"] = Message(N_("The callback time must be within working hours."))
        elif at >= visit_start:
            problems["callback_at"] = Message(N_("The callback must be before the visit."))
    if call.outcome == "reschedule":
        at = call.new_start_at
        if at is None:
            problems["new_start_at"] = Message(N_("Enter the new visit time."))
        elif at <= now:
            problems["new_start_at"] = Message(N_("The new visit time must be in the future."))
        elif not calendar.within_working_hours(at):
            problems["new_start_at"] = Message(N_("The new visit time must be within working hours."))
    if call.outcome == "refused" and call.cancel_reason_id is None:
        problems["cancel_reason_id"] = Message(N_("Choose the cancellation reason."))
    if call.outcome == "confirmed":
        for index, line in enumerate(call.added_works):
            problems.update(work_line_problems(line, index))
        if call.new_end_at is not None and call.new_end_at <= visit_start:
            problems["new_end_at"] = Message(N_("The end must be after the visit start."))
    return problems


def booking_end(start: datetime, hours: list[Decimal], *, minimum: timedelta = timedelta(hours=1)) -> datetime:
    """The planned end: the start plus the works' hours (at least `minimum`), to whole minutes."""
    total = sum((h for h in hours if h.is_finite()), Decimal("0"))  # a bad line is reported, not computed
    duration = max(timedelta(minutes=int((total * 60).to_integral_value())), minimum)
    return start + duration


def end_after_wishes(start: datetime, old_end: datetime, hours: list[Decimal]) -> datetime:
    """New wishes never move the end earlier (seed 000: «не меняя запланированное время визита, сообщает
    о новом сроке окончания»): the later of the old end and the start plus all the works' hours."""
    return max(old_end, booking_end(start, hours))


def free_slots(*, opens: datetime, closes: datetime, busy: list[tuple[datetime, datetime]], duration: timedelta,
               not_before: datetime, step: timedelta = timedelta(minutes=30)) -> list[datetime]:
    """The starts, every `step` from the opening time, where a visit of `duration` fits before closing, after
    `not_before` and overlapping none of the advisor's `busy` intervals."""
    slots: list[datetime] = []
    at = opens
    while at + duration <= closes:
        if at > not_before and all(not (at < end and at + duration > begin) for begin, end in busy):
            slots.append(at)
        at += step
    return slots


def spoken(text: str) -> str:
    """A script line with an empty value removed the way one would say it: «Здравствуйте, !» → «Здравствуйте!»,
    «, здравствуйте!» at the start → «Здравствуйте!», «беспокоит , отдел» → «беспокоит отдел», no doubled spaces."""
    text = re.sub(r"[ \t]*,[ \t]*(?=[!?.,;:]|$)", "", text)
    text = re.sub(r"(?<=\w)[ \t]+,[ \t]+(?=\w)", " ", text)
    text = re.sub(r"^[\s,;:]+", "", text)
    text = re.sub(r"[ \t]+(?=[.!?,;:])", "", text)
    text = re.sub(r"[ \t]{2,}", " ", text).strip()
    return text[:1].upper() + text[1:]


# ----- arrivals and no-shows (the facts the show rate is made of)

CALL_ROLES = frozenset({Role.SERVICE_ADMIN, Role.SERVICE_ADVISOR, Role.ADMIN})  # who makes the confirmation calls
ARRIVAL_ROLES = frozenset({*CALL_ROLES, Role.RECEPTION})  # reception sees the client come in
EXPECTED = ("planned", "confirmed")  # still awaited: the day's end turns these into «не приехал»


def can_arrive(status: str) -> bool:
    """A client may come while awaited, and still on the day after the day's end called them absent (late)."""
    return status in (*EXPECTED, "no_show")


def arrival_refusal(status: str, *, visit_day: date, today: date) -> str | None:
    """Why «Клиент приехал» cannot be marked now (None: it can): not cancelled, not twice, not before the day."""
    if status == "cancelled":
        return N_("The booking is cancelled: register a new one for the client.")
    if not can_arrive(status):
        return N_("The client is already marked arrived.")
    if visit_day > today:
        return N_("The visit is on %(day)s: the client can be marked arrived on that day.")
    return None


def visit_fits(*, booking_car_id: int | None, visit_car_id: int | None) -> bool:
    """A repair visit shows the booking's arrival when it is for the same car, or either has none noted."""
    return booking_car_id is None or visit_car_id is None or booking_car_id == visit_car_id


def nearest_booking(candidates: list[tuple[int, datetime]], arrived_at: datetime) -> int | None:
    """Of the client's bookings of the day (id, start), the one whose start is nearest to the arrival."""
    if not candidates:
        return None
    return min(candidates, key=lambda item: (abs(item[1] - arrived_at), item[0]))[0]
