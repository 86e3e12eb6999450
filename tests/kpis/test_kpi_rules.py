"""The KPIs' arithmetic, table-tested: rates keep what they are made of, empty periods say nothing, days are days."""

from __future__ import annotations

from datetime import date

import pytest

from kpis.rules import (
    BookingGroup,
    EmployeeTraffic,
    Period,
    Ratio,
    RunGroup,
    TrafficGroup,
    appeal_figures,
    change,
    desk_figures,
    funnel_of,
    lead_figures,
    merge_histograms,
    named_period,
    percentile,
    previous_period,
    traffic_figures,
)

MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)
WEDNESDAY = date(2026, 11, 25)


# ----- rates and periods


@pytest.mark.parametrize(("numerator", "denominator", "value"), [(0, 0, None), (0, 4, 0.0), (3, 4, 0.75), (4, 4, 1.0)])
def test_a_rate_is_null_when_nothing_was_counted(numerator, denominator, value):
    ratio = Ratio(numerator, denominator)
    assert ratio.value == value
    assert ratio.as_json() == {"value": value, "numerator": numerator, "denominator": denominator}


def test_a_rate_rounds_to_four_places_in_json():
    assert Ratio(1, 3).as_json()["value"] == 0.3333


@pytest.mark.parametrize(("name", "today", "first", "last"), [
    ("today", WEDNESDAY, WEDNESDAY, WEDNESDAY),
    ("week", WEDNESDAY, MONDAY, WEDNESDAY),
    ("week", date(2026, 11, 29), MONDAY, date(2026, 11, 29)),  # Sunday: the week began on Monday
    ("week", MONDAY, MONDAY, MONDAY),
    ("month", WEDNESDAY, date(2026, 11, 1), WEDNESDAY),
    ("month", date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 1)),
])
def test_named_periods_end_today(name, today, first, last):
    assert named_period(name, today) == Period(first, last)


def test_an_unknown_period_name_and_a_backwards_period_are_refused():
    with pytest.raises(ValueError):
        named_period("year", MONDAY)
    with pytest.raises(ValueError):
        Period(TUESDAY, MONDAY)


@pytest.mark.parametrize(("name", "period", "previous"), [
    ("today", Period(TUESDAY, TUESDAY), Period(MONDAY, MONDAY)),
    ("week", Period(MONDAY, WEDNESDAY), Period(date(2026, 11, 16), date(2026, 11, 18))),
    ("month", Period(date(2026, 12, 1), date(2026, 12, 7)), Period(date(2026, 11, 1), date(2026, 11, 7))),
    ("month", Period(date(2026, 3, 1), date(2026, 3, 31)), Period(date(2026, 2, 1), date(2026, 2, 28))),
    ("month", Period(date(2026, 1, 1), date(2026, 1, 10)), Period(date(2025, 12, 1), date(2025, 12, 10))),
    ("custom", Period(TUESDAY, WEDNESDAY), Period(date(2026, 11, 22), MONDAY)),
])
def test_the_previous_period_is_the_like_for_like_one(name, period, previous):
    assert previous_period(name, period) == previous


@pytest.mark.parametrize(("current", "previous", "expected"), [
    (12, 10, 0.2), (5, 10, -0.5), (3, 0, None), (None, 3, None), (3, None, None), (0.5, 0.4, pytest.approx(0.25))])
def test_the_change_against_the_previous_period(current, previous, expected):
    assert change(current, previous) == expected


# ----- percentiles


@pytest.mark.parametrize(("histogram", "p", "expected"), [
    ({}, 50, None),
    ({5: 1}, 50, 5), ({5: 1}, 90, 5),
    ({1: 1, 2: 1, 3: 1, 10: 1}, 50, 2), ({1: 1, 2: 1, 3: 1, 10: 1}, 90, 10),
    ({0: 9, 30: 1}, 90, 0), ({0: 8, 30: 2}, 90, 30),
    ({2: 50, 7: 50}, 50, 2), ({2: 50, 7: 51}, 50, 7),
    ({1440: 3}, 50, 1440),
])
def test_nearest_rank_percentiles_over_minute_histograms(histogram, p, expected):
    assert percentile(histogram, p) == expected


def test_histograms_merge_by_adding_counts():
    assert merge_histograms([{1: 2, 5: 1}, {1: 1, 3: 4}, {}]) == {1: 3, 3: 4, 5: 1}


# ----- the desk


def booking(day=TUESDAY, status="planned", confirmed=False, called=False, reached=False, auto=False, attempts=0,
            count=1) -> BookingGroup:
    return BookingGroup(day=day, status=status, confirmed_before_visit=confirmed, called=called, reached_first=reached,
                        auto_cancelled=auto, attempts=attempts, count=count)


def test_an_empty_period_has_no_rates_and_zero_counts():
    figures = desk_figures([], Period(MONDAY, TUESDAY))
    assert figures.bookings == 0 and figures.auto_cancelled == 0
    assert figures.confirmation_rate.value is None and figures.show_rate.value is None
    assert figures.per_day == {MONDAY: {}, TUESDAY: {}}


def test_the_desk_figures_of_a_day():
    groups = [
        booking(status="arrived", confirmed=True, called=True, reached=True, attempts=3, count=3),  # 1 call each
        booking(status="no_show", confirmed=True, called=True, reached=False, attempts=2, count=1),
        booking(status="arrived", called=True, reached=False, attempts=2, count=1),
        booking(status="no_show", count=2),  # never called
        booking(status="cancelled", called=True, auto=True, attempts=3, count=1),  # three failures
        booking(status="cancelled", called=True, reached=True, attempts=1, count=1),  # refused on the call
    ]
    figures = desk_figures(groups, Period(TUESDAY, TUESDAY))
    assert figures.bookings == 9
    assert figures.confirmation_rate == Ratio(4, 9)
    assert figures.first_call_reach_rate == Ratio(4, 7)
    assert figures.average_attempts == Ratio(11, 7)
    assert figures.auto_cancelled == 1 and figures.cancelled == 2
    # cancelled bookings are neither shows nor no-shows
    assert figures.show_rate == Ratio(4, 7) and figures.no_show_rate == Ratio(3, 7)
    assert figures.show_rate_confirmed == Ratio(3, 4) and figures.show_rate_unconfirmed == Ratio(1, 3)
    assert figures.per_day[TUESDAY] == {"bookings": 9, "confirmed": 4, "arrived": 4, "no_show": 3, "cancelled": 2}


def test_bookings_count_on_their_visit_day_inside_the_period_only():
    groups = [booking(day=MONDAY, status="arrived"), booking(day=TUESDAY, status="no_show"),
              booking(day=WEDNESDAY, status="arrived", count=5)]  # moved to Wednesday: outside
    figures = desk_figures(groups, Period(MONDAY, TUESDAY))
    assert figures.bookings == 2 and figures.show_rate == Ratio(1, 2)
    assert figures.per_day[MONDAY]["arrived"] == 1 and figures.per_day[TUESDAY]["no_show"] == 1


def test_bookings_still_awaited_are_neither_shows_nor_no_shows():
    figures = desk_figures([booking(status="planned"), booking(status="confirmed", confirmed=True)],
                           Period(TUESDAY, TUESDAY))
    assert figures.show_rate == Ratio(0, 0) and figures.confirmation_rate == Ratio(1, 2)


# ----- traffic


def traffic(day=TUESDAY, channel="call", goal=1, department="service", status="processed", escalated=False,
            reason=None, count=1) -> TrafficGroup:
    return TrafficGroup(day=day, channel=channel, goal_id=goal, department=department, status=status,
                        escalated=escalated, ignore_reason_id=reason, count=count)


def test_the_traffic_figures():
    groups = [traffic(count=5), traffic(channel="visit", goal=2, department="showroom", count=3),
              traffic(status="new", escalated=True, count=2), traffic(status="waiting"),
              traffic(status="ignored", reason=7, count=2), traffic(status="ignored", reason=None),
              traffic(day=MONDAY, channel="visit", count=4)]
    figures = traffic_figures(groups, Period(MONDAY, TUESDAY), waits={0: 3, 4: 5, 20: 2}, processing={10: 1, 30: 1},
                              employees=[EmployeeTraffic(5, taken=2, processed=1, wait_minutes={3: 2}),
                                         EmployeeTraffic(4, taken=6, processed=6, wait_minutes={1: 6})])
    assert figures.total == 18
    assert figures.by_channel == {"call": 11, "visit": 7}
    assert figures.by_goal == {1: 15, 2: 3} and figures.by_department == {"service": 15, "showroom": 3}
    assert figures.per_day == {MONDAY: {"visit": 4}, TUESDAY: {"call": 11, "visit": 3}}
    assert (figures.wait_minutes_p50, figures.wait_minutes_p90) == (4, 20)
    assert (figures.processing_minutes_p50, figures.processing_minutes_p90) == (10, 30)
    assert figures.untaken == 3 and figures.escalated == 2
    assert figures.ignored == 3 and figures.ignored_by_reason == {7: 2, None: 1}
    assert [row["user_id"] for row in figures.per_employee] == [4, 5]  # who took most first
    assert figures.per_employee[1] == {"user_id": 5, "taken": 2, "processed": 1, "wait_minutes_p50": 3}


def test_an_empty_traffic_period():
    figures = traffic_figures([], Period(TUESDAY, TUESDAY), waits={}, processing={})
    assert figures.total == 0 and figures.wait_minutes_p50 is None and figures.per_day == {TUESDAY: {}}


# ----- appeals


def test_appeals_by_category_and_the_automatic_share():
    figures = appeal_figures([(1, True, 3), (1, False, 1), (2, False, 4)])
    assert figures.total == 8 and figures.by_category == {1: 4, 2: 4}
    assert figures.automatic_share == Ratio(3, 8)
    assert appeal_figures([]).automatic_share.value is None


# ----- leads


def run(cadence="Новый лид", steps=0, status="running", reason="", count=1) -> RunGroup:
    return RunGroup(cadence=cadence, steps_taken=steps, status=status, stop_reason=reason, count=count)


def test_the_cadence_funnel_counts_who_reached_each_step_and_how_runs_ended():
    groups = [run(steps=1, status="stopped", reason="contact_made", count=4),
              run(steps=2, status="stopped", reason="meeting_set", count=2),
              run(steps=3, status="running", count=1),
              run(steps=4, status="completed", reason="closed_lost", count=3)]
    assert funnel_of(groups) == [("started", 10), ("step:1", 10), ("step:2", 6), ("step:3", 4), ("step:4", 3),
                                 ("contact_made", 4), ("meeting_set", 2), ("closed_no_contact", 3)]
    assert funnel_of([]) == [("started", 0), ("contact_made", 0), ("meeting_set", 0), ("closed_no_contact", 0)]


def test_the_lead_figures():
    groups = [run(steps=1, status="stopped", reason="client_contact", count=2),
              run(cadence="Неявка", steps=1, status="stopped", reason="meeting_set"),
              run(steps=3, status="completed", reason="closed_lost")]
    figures = lead_figures(groups, meetings_held=3, meetings_missed=1,
                           calls=[(9, "reached", 2), (9, "not_reached", 3), (8, "reached", 1)])
    assert (figures.cadences_started, figures.contact_made, figures.meetings_set, figures.closed_no_contact) == (
        4, 2, 1, 1)
    assert figures.meeting_show_rate == Ratio(3, 4) and figures.running == 0
    assert list(figures.funnel) == ["Неявка", "Новый лид"]
    assert figures.per_manager == [{"user_id": 9, "calls": 5, "reached": 2, "reach_rate": Ratio(2, 5)},
                                   {"user_id": 8, "calls": 1, "reached": 1, "reach_rate": Ratio(1, 1)}]
    assert lead_figures([], meetings_held=0, meetings_missed=0).meeting_show_rate.value is None
