from dataclasses import replace
from datetime import time

import pytest

from app.domain.regulations import Regulations, parse_weekdays, regulation_errors


def test_the_seed_regulations_are_consistent():
    assert regulation_errors(Regulations()) == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"confirmation_window_end": time(12, 0)}, "confirmation_window_end"),
        ({"confirmation_window_end": time(11, 0)}, "confirmation_window_end"),
        ({"latest_call_time": time(14, 0)}, "latest_call_time"),
        ({"latest_call_time": time(13, 0)}, "latest_call_time"),
        ({"max_failed_attempts": 0}, "max_failed_attempts"),
        ({"max_failed_attempts": 11}, "max_failed_attempts"),
        ({"retry_delay_minutes": 0}, "retry_delay_minutes"),
        ({"working_day_end": time(9, 0)}, "working_day_end"),
        ({"confirmation_window_start": time(8, 0)}, "confirmation_window_start"),
        ({"latest_call_time": time(22, 0)}, "latest_call_time"),
        ({"working_weekdays": "1,8"}, "working_weekdays"),
        ({"working_weekdays": ""}, "working_weekdays"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_an_inconsistent_setting_is_reported_on_its_field(changes, field):
    assert field in regulation_errors(replace(Regulations(), **changes))


@pytest.mark.parametrize("attempts", [1, 10])
def test_max_attempts_edges_are_allowed(attempts):
    assert regulation_errors(replace(Regulations(), max_failed_attempts=attempts)) == {}


def test_the_latest_call_time_may_be_the_end_of_the_working_day():
    assert regulation_errors(replace(Regulations(), latest_call_time=time(21, 0))) == {}


def test_weekdays_are_parsed_sorted_and_unique():
    assert parse_weekdays("5, 1,3") == [1, 3, 5]
    with pytest.raises(ValueError):
        parse_weekdays("1,1")
