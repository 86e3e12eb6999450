"""The automatic appeal categories as a table: each rule, none, precedence from the catalog order."""

from __future__ import annotations

import pytest

from appeals.rules import ClientFacts, automatic_category
from catalogs.labels import AUTO_RULE_LABELS
from catalogs.rules import AUTO_RULES

CATALOG_ORDER = [(3, "call_continuation"), (4, "order_status"), (5, "repeat_appeal")]


@pytest.mark.parametrize(("facts", "expected"), [
    (ClientFacts(calls_in_window=1), None),
    (ClientFacts(calls_in_window=2), ("call_continuation", None)),
    (ClientFacts(calls_in_window=1, open_service_request_id=9), ("call_continuation", None)),
    (ClientFacts(calls_in_window=1, has_open_work_order=True), ("order_status", None)),
    (ClientFacts(calls_in_window=1, refused_service_request_id=7), ("repeat_appeal", 7)),
    (ClientFacts(calls_in_window=3, has_open_work_order=True, refused_service_request_id=7),
     ("call_continuation", None)),
    (ClientFacts(calls_in_window=1, has_open_work_order=True, refused_service_request_id=7), ("order_status", None)),
])
def test_rule_table(facts, expected):
    result = automatic_category(CATALOG_ORDER, facts, min_calls=2)
    assert (None if result is None else (result.rule, result.reopen_process_id)) == expected


def test_an_admin_reordering_changes_the_precedence():
    facts = ClientFacts(calls_in_window=5, has_open_work_order=True, refused_service_request_id=7)
    reordered = [(5, "repeat_appeal"), (4, "order_status"), (3, "call_continuation")]
    assert automatic_category(reordered, facts, min_calls=2).category_id == 5
    assert automatic_category(CATALOG_ORDER, facts, min_calls=2).category_id == 3


def test_a_hidden_category_does_not_apply_and_the_window_comes_from_settings():
    facts = ClientFacts(calls_in_window=2, has_open_work_order=True)
    without_continuation = [(4, "order_status"), (5, "repeat_appeal")]
    assert automatic_category(without_continuation, facts, min_calls=2).rule == "order_status"
    assert automatic_category(CATALOG_ORDER, ClientFacts(calls_in_window=2), min_calls=3) is None


def test_the_reason_is_shown_with_the_numbers():
    result = automatic_category(CATALOG_ORDER, ClientFacts(calls_in_window=4), min_calls=2)
    assert result.reason.params == {"count": 4, "min": 2}


@pytest.mark.parametrize("code", AUTO_RULES)
def test_every_auto_rule_code_of_the_catalogs_is_understood_here_and_labelled_there(code):
    everything = ClientFacts(calls_in_window=9, has_open_work_order=True, refused_service_request_id=7)
    assert automatic_category([(1, code)], everything, min_calls=2).rule == code
    assert set(AUTO_RULE_LABELS) == set(AUTO_RULES)
