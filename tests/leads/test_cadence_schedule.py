"""When cadence steps are due, and when a conditional step waits (leads.rules), without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from leads.rules import RUN, SKIP, WAIT, RunStep, step_decision, step_due

MSK = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
NINE = time(9, 0)


def at(zone, *parts):
    return datetime(*parts, tzinfo=zone)


@pytest.mark.parametrize(("start", "step", "due"), [
    (at(MSK, 2026, 11, 23, 12), RunStep("call_task"), at(MSK, 2026, 11, 23, 12)),
    (at(MSK, 2026, 11, 23, 15, 30), RunStep("call_task", hour_offset=2), at(MSK, 2026, 11, 23, 17, 30)),
    (at(MSK, 2026, 11, 23, 23, 59), RunStep("call_task", hour_offset=2), at(MSK, 2026, 11, 24, 1, 59)),
    (at(MSK, 2026, 11, 23, 12), RunStep("call_task", day_offset=1), at(MSK, 2026, 11, 24, 9)),
    (at(MSK, 2026, 11, 23, 23, 59), RunStep("call_task", day_offset=1), at(MSK, 2026, 11, 24, 9)),
    (at(MSK, 2026, 11, 24, 0, 0), RunStep("call_task", day_offset=1), at(MSK, 2026, 11, 25, 9)),
    (at(MSK, 2026, 11, 23, 12), RunStep("call_task", day_offset=2, at_time=time(18, 30)), at(MSK, 2026, 11, 25, 18, 30)),
    (at(MSK, 2026, 11, 23, 12), RunStep("call_task", at_time=time(19, 59)), at(MSK, 2026, 11, 23, 19, 59)),
    (at(MSK, 2026, 11, 23, 20, 0), RunStep("call_task", at_time=time(19, 59)), at(MSK, 2026, 11, 23, 20, 0)),
], ids=["now", "same-day-hours", "hours-across-midnight", "next-day", "next-day-at-23:59", "next-day-at-00:00",
        "day-and-time", "same-day-time", "same-day-time-passed"])
def test_step_due(start, step, due):
    assert step_due(start.astimezone(UTC), step, zone=MSK, day_start=NINE) == due


def test_next_day_at_nine_across_the_spring_and_autumn_clock_changes():
    # Berlin moves 02:00 → 03:00 on 2026-03-29 and 03:00 → 02:00 on 2026-10-25: still 09:00 local
    spring = step_due(at(BERLIN, 2026, 3, 28, 12), RunStep("call_task", day_offset=1), zone=BERLIN, day_start=NINE)
    autumn = step_due(at(BERLIN, 2026, 10, 24, 12), RunStep("call_task", day_offset=1), zone=BERLIN,
                      day_start=NINE)
    assert spring.astimezone(BERLIN).hour == 9 and spring.astimezone(UTC).hour == 7
    assert autumn.astimezone(BERLIN).hour == 9 and autumn.astimezone(UTC).hour == 8
    two_hours = step_due(at(BERLIN, 2026, 3, 29, 1, 30), RunStep("call_task", hour_offset=2), zone=BERLIN,
                         day_start=NINE)
    assert two_hours.astimezone(BERLIN).hour == 4  # elapsed hours, not wall-clock hours


def test_a_conditional_step_waits_for_the_call_and_is_skipped_after_a_contact():
    conditional, plain = RunStep("send_template", only_if_not_reached=True), RunStep("call_task")
    assert step_decision(plain, last_call_open=True, last_call_outcome=None) == RUN
    assert step_decision(conditional, last_call_open=True, last_call_outcome=None) == WAIT
    assert step_decision(conditional, last_call_open=False, last_call_outcome="not_reached") == RUN
    assert step_decision(conditional, last_call_open=False, last_call_outcome=None) == RUN
    assert step_decision(conditional, last_call_open=False, last_call_outcome="reached") == SKIP


def test_a_run_step_survives_its_json_copy():
    step = RunStep("send_template", day_offset=2, at_time=time(10, 15), only_if_not_reached=True, template_id=7,
                   note="«Игнор»")
    assert RunStep.from_dict(step.as_dict()) == step
