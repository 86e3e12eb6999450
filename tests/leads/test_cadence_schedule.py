"""When cadence steps are due on the working calendar, and when a conditional step waits (leads.rules),
without sleeping. The dealership: Monday–Saturday 09:00–21:00 in Moscow, calls until 20:00, Russian holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.domain.calendar import WorkingCalendar, russian_holidays
from catalogs.defaults import MEETING_NO_SHOW_STEPS, QUALIFIED_NO_MEETING_STEPS
from leads.rules import (
    RUN,
    SKIP,
    WAIT,
    RunStep,
    resumed_steps,
    step_decision,
    step_dues,
    working_moment,
)

MSK = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
CUTOFF = time(20, 0)


def calendar(zone=MSK, weekdays=(1, 2, 3, 4, 5, 6), **extra) -> WorkingCalendar:
    extra.setdefault("days_off", russian_holidays([2026, 2027]) if zone is MSK else frozenset())
    return WorkingCalendar(zone=zone, weekdays=frozenset(weekdays), day_start=time(9), day_end=time(21), **extra)


def at(zone, *parts):
    return datetime(*parts, tzinfo=zone)


def steps_of(rows) -> list[RunStep]:
    return [RunStep(action=row["action"], day_offset=row.get("day_offset", 0), hour_offset=row.get("hour_offset", 0),
                    only_if_not_reached=row.get("only_if_not_reached", False), note=row["note"]) for row in rows]


def due(start, step, cal=None):
    return step_dues(start.astimezone(UTC), [step], calendar=cal or calendar(), cutoff=CUTOFF)[0]


@pytest.mark.parametrize(("start", "step", "expected"), [
    (at(MSK, 2026, 11, 23, 12), RunStep("call_task"), at(MSK, 2026, 11, 23, 12)),
    (at(MSK, 2026, 11, 23, 15, 30), RunStep("call_task", hour_offset=2), at(MSK, 2026, 11, 23, 17, 30)),
    (at(MSK, 2026, 11, 23, 18, 0), RunStep("call_task", hour_offset=2), at(MSK, 2026, 11, 23, 20, 0)),
    (at(MSK, 2026, 11, 23, 18, 1), RunStep("call_task", hour_offset=2), at(MSK, 2026, 11, 24, 9)),
    (at(MSK, 2026, 11, 23, 23, 59), RunStep("call_task", hour_offset=2), at(MSK, 2026, 11, 24, 9)),
    (at(MSK, 2026, 11, 24, 6, 0), RunStep("call_task"), at(MSK, 2026, 11, 24, 9)),
    (at(MSK, 2026, 11, 23, 12), RunStep("call_task", day_offset=1), at(MSK, 2026, 11, 24, 9)),
    (at(MSK, 2026, 11, 23, 19, 59), RunStep("call_task", day_offset=1), at(MSK, 2026, 11, 24, 9)),
    (at(MSK, 2026, 11, 24, 0, 0), RunStep("call_task", day_offset=1), at(MSK, 2026, 11, 25, 9)),
    (at(MSK, 2026, 11, 23, 12), RunStep("call_task", day_offset=2, at_time=time(18, 30)), at(MSK, 2026, 11, 25, 18, 30)),
    (at(MSK, 2026, 11, 23, 12), RunStep("call_task", day_offset=1, at_time=time(20, 30)), at(MSK, 2026, 11, 25, 9)),
    (at(MSK, 2026, 11, 23, 12), RunStep("call_task", at_time=time(19, 59)), at(MSK, 2026, 11, 23, 19, 59)),
    (at(MSK, 2026, 11, 23, 20, 0), RunStep("call_task", at_time=time(19, 59)), at(MSK, 2026, 11, 23, 20, 0)),
    (at(MSK, 2026, 11, 27, 12), RunStep("send_template", day_offset=2), at(MSK, 2026, 11, 30, 9)),
    (at(MSK, 2026, 11, 28, 12), RunStep("send_template", day_offset=1), at(MSK, 2026, 11, 30, 9)),
    (at(MSK, 2026, 11, 29, 12), RunStep("call_task"), at(MSK, 2026, 11, 30, 9)),
    (at(MSK, 2026, 12, 30, 12), RunStep("call_task", day_offset=1), at(MSK, 2027, 1, 9, 9)),  # 31.12 is off
], ids=["now", "same-day-hours", "hours-up-to-the-cutoff", "hours-past-the-cutoff", "hours-across-midnight",
        "before-the-day-starts", "next-day", "next-day-at-19:59", "next-day-at-00:00", "day-and-time",
        "time-after-the-cutoff", "same-day-time", "same-day-time-passed", "friday-plus-two-is-monday",
        "saturday-plus-one-is-monday", "started-on-sunday", "new-year-holidays"])
def test_step_due(start, step, expected):
    assert due(start, step) == expected


def test_friday_started_qualified_cadence_sends_the_ignore_on_monday_not_on_sunday():
    dues = step_dues(at(MSK, 2026, 11, 27, 12).astimezone(UTC), steps_of(QUALIFIED_NO_MEETING_STEPS),
                     calendar=calendar(), cutoff=CUTOFF)
    local = [d.astimezone(MSK).strftime("%a %H:%M") for d in dues]
    assert local == ["Fri 12:00", "Sat 09:00", "Sat 09:00", "Mon 09:00", "Mon 09:00", "Wed 09:00", "Wed 09:00",
                     "Wed 09:00"]


def test_a_saturday_19_30_no_show_calls_again_on_monday_not_at_21_30_and_the_next_day_is_tuesday():
    dues = step_dues(at(MSK, 2026, 11, 28, 19, 30).astimezone(UTC), steps_of(MEETING_NO_SHOW_STEPS),
                     calendar=calendar(), cutoff=CUTOFF)
    local = [d.astimezone(MSK).strftime("%a %d %H:%M") for d in dues]
    assert local[:3] == ["Sat 28 19:30", "Mon 30 09:00", "Mon 30 09:00"]
    assert local[3:5] == ["Tue 01 09:00", "Tue 01 09:00"]  # «на следующий день» after Monday's calls
    assert all(not (d.astimezone(MSK).hour >= 20 and d.astimezone(MSK).minute > 0) for d in dues)


def test_a_day_off_set_by_the_admin_and_a_working_sunday_move_the_steps():
    friday = at(MSK, 2026, 11, 27, 12).astimezone(UTC)
    monday_off = calendar(days_off=frozenset({date(2026, 11, 30)}) | russian_holidays([2026]))
    assert due(friday, RunStep("call_task", day_offset=2), monday_off) == at(MSK, 2026, 12, 1, 9)
    sunday_on = calendar(working_days=frozenset({date(2026, 11, 29)}))
    assert due(friday, RunStep("call_task", day_offset=2), sunday_on) == at(MSK, 2026, 11, 29, 9)


def test_the_zone_is_a_setting_and_the_clock_changes_keep_nine_o_clock():
    berlin = calendar(BERLIN, weekdays=(1, 2, 3, 4, 5, 6, 7))
    spring = due(at(BERLIN, 2026, 3, 28, 12), RunStep("call_task", day_offset=1), berlin)
    autumn = due(at(BERLIN, 2026, 10, 24, 12), RunStep("call_task", day_offset=1), berlin)
    assert spring.astimezone(BERLIN).hour == 9 and spring.astimezone(UTC).hour == 7
    assert autumn.astimezone(BERLIN).hour == 9 and autumn.astimezone(UTC).hour == 8
    sunday = due(at(BERLIN, 2026, 3, 29, 10, 30), RunStep("call_task", hour_offset=2), berlin)
    assert sunday == at(BERLIN, 2026, 3, 29, 12, 30)  # the day of the change: 10:30 + 2 h
    assert due(at(MSK, 2026, 11, 23, 12), RunStep("call_task", day_offset=1)).astimezone(UTC).hour == 6


def test_working_moment_keeps_a_working_moment_and_moves_the_rest():
    cal = calendar()
    assert working_moment(at(MSK, 2026, 11, 23, 20, 0), cal, CUTOFF) == at(MSK, 2026, 11, 23, 20, 0)
    assert working_moment(at(MSK, 2026, 11, 23, 20, 0, 1), cal, CUTOFF) == at(MSK, 2026, 11, 24, 9)
    assert working_moment(at(MSK, 2026, 11, 28, 21, 30), cal, CUTOFF) == at(MSK, 2026, 11, 30, 9)
    assert working_moment(at(MSK, 2026, 11, 4, 12), cal, CUTOFF) == at(MSK, 2026, 11, 5, 9)  # Unity Day


def test_an_agreed_date_replaces_the_steps_before_the_first_call():
    resumed = resumed_steps(steps_of(QUALIFIED_NO_MEETING_STEPS))
    assert [s.note for s in resumed] == [row["note"] for row in QUALIFIED_NO_MEETING_STEPS[1:]]  # no first touch
    assert [(s.day_offset, s.hour_offset, s.at_time) for s in resumed][:4] == [(0, 0, None), (0, 0, None),
                                                                               (1, 0, None), (1, 0, None)]
    dues = step_dues(at(MSK, 2026, 12, 3, 15).astimezone(UTC), resumed, calendar=calendar(), cutoff=CUTOFF)
    assert dues[0] == at(MSK, 2026, 12, 3, 15) and dues[2] == at(MSK, 2026, 12, 4, 9)
    no_show = resumed_steps(steps_of(MEETING_NO_SHOW_STEPS))
    assert len(no_show) == len(MEETING_NO_SHOW_STEPS) and no_show[1].hour_offset == 2
    only_messages = [RunStep("send_template", day_offset=1)]
    assert resumed_steps(only_messages) == only_messages


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
